package main

// Privileges enforced on the calls themselves, as vCenter does: a restricted
// account (-user, see users.go) calling a method without the privilege it
// needs gets NoPermission naming the privilege and the object, before the
// simulator runs anything; vcsim 0.24.2 itself lets every session do all.
//
// What each method needs is the vSphere API reference's "Required
// privileges" (and, where it says "dynamic", what the request asks for: a
// ReconfigVM that sets extraConfig needs VirtualMachine.Config.AdvancedConfig,
// one that adds a disk VirtualMachine.Config.AddNewDisk, ...), for the methods
// vic-plugin calls. Privileges on a service object (FileManager,
// AuthorizationManager, a host's firewall system) are checked where vCenter
// checks them: the datastore of the path, the root folder, the host.
//
// Reads are filtered, not refused, as in vCenter: the property collector's
// answers leave out the inventory objects the user may not see (neither
// System.Read on them nor a permission below them, which makes its parents
// visible so the user can navigate to it); a Fetch of one such object's
// property is NoPermission System.Read. The datastore file interface
// (/folder) needs a session, and Datastore.Browse to read or
// Datastore.FileManagement to write.
//
// Unrestricted sessions (the main user, extensions) are never checked, and
// when no -user is given nothing here runs at all.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// need is one privilege a call requires on one inventory object.
type need struct {
	privilege string
	object    types.ManagedObjectReference
}

// needsOf computes what a call requires from its _this and decoded request
// (a pointer to the method's vim25 type, e.g. *types.CreateVM_Task).
type needsOf func(this types.ManagedObjectReference, req interface{}) []need

var enforced = map[string]needsOf{
	// Inventory
	"CreateFolder":       onThis("Folder.Create"),
	"CreateResourcePool": onThis("Resource.CreatePool"),
	"UpdateConfig":       onThis("Resource.EditPool"), // ResourcePool.UpdateConfig
	"Destroy_Task":       destroyNeeds,
	"UnregisterVM":       onThisAndParent("VirtualMachine.Inventory.Unregister"),
	"CreateVM_Task":      createVMNeeds,

	// Virtual machines
	"ReconfigVM_Task":              reconfigVMNeeds,
	"PowerOnVM_Task":               onThis("VirtualMachine.Interact.PowerOn"),
	"PowerOffVM_Task":              onThis("VirtualMachine.Interact.PowerOff"),
	"ResetVM_Task":                 onThis("VirtualMachine.Interact.Reset"),
	"ShutdownGuest":                onThis("VirtualMachine.Interact.PowerOff"),
	"RebootGuest":                  onThis("VirtualMachine.Interact.Reset"),
	"CreateSnapshot_Task":          onThis("VirtualMachine.State.CreateSnapshot"),
	"RevertToCurrentSnapshot_Task": onThis("VirtualMachine.State.RevertToSnapshot"),
	"RemoveAllSnapshots_Task":      onThis("VirtualMachine.State.RemoveSnapshot"),
	"RevertToSnapshot_Task":        onSnapshotVM("VirtualMachine.State.RevertToSnapshot"),
	"RemoveSnapshot_Task":          onSnapshotVM("VirtualMachine.State.RemoveSnapshot"),
	"StartProgramInGuest":          onGuestVM("VirtualMachine.GuestOperations.Execute"),
	"ListProcessesInGuest":         onGuestVM("VirtualMachine.GuestOperations.Query"),

	// Clusters and hosts
	"ReconfigureComputeResource_Task": onThis("Host.Inventory.EditCluster"),
	"EnableRuleset":                   onFirewallHost("Host.Config.NetService"),
	"DisableRuleset":                  onFirewallHost("Host.Config.NetService"),
	"UpdateRuleset":                   onFirewallHost("Host.Config.NetService"),
	"UpdateDefaultPolicy":             onFirewallHost("Host.Config.NetService"),
	"RefreshFirewall":                 onFirewallHost("Host.Config.NetService"),

	// Datastore files
	"MakeDirectory":                  onDatastorePath("Datastore.FileManagement"),
	"DeleteDatastoreFile_Task":       onDatastorePath("Datastore.FileManagement"),
	"SearchDatastore_Task":           onDatastorePath("Datastore.Browse"),
	"SearchDatastoreSubFolders_Task": onDatastorePath("Datastore.Browse"),

	// Permissions and roles
	"SetEntityPermissions":      onEntityArg("Authorization.ModifyPermissions"),
	"RemoveEntityPermission":    onEntityArg("Authorization.ModifyPermissions"),
	"ResetEntityPermissions":    onEntityArg("Authorization.ModifyPermissions"),
	"RetrieveEntityPermissions": onEntityArg("System.Read"),
	"AddAuthorizationRole":      onRoot("Authorization.ModifyRoles"),
	"UpdateAuthorizationRole":   onRoot("Authorization.ModifyRoles"),
	"RemoveAuthorizationRole":   onRoot("Authorization.ModifyRoles"),

	// Extensions and their tasks
	"RegisterExtension":   onRoot("Extension.Register"),
	"UnregisterExtension": onRoot("Extension.Unregister"),
	"UpdateExtension":     onRoot("Extension.Update"),
	"CreateTask":          onRoot("Task.Create"),
	"SetTaskState":        onRoot("Task.Update"),
	"UpdateProgress":      onRoot("Task.Update"),
	"SetTaskDescription":  onRoot("Task.Update"),

	// Ending another session (vcsim let any session end any other)
	"TerminateSession": onRoot("Sessions.TerminateSession"),
}

// --- who is calling ------------------------------------------------------------------------------

// anyRestricted is true when some -user account exists; until then nothing
// here needs to look at a request.
func anyRestricted() bool {
	for _, a := range accounts {
		if a.restricted {
			return true
		}
	}
	return false
}

// restrictedCaller names the restricted account whose session the request
// carries; ok is false for unrestricted sessions and requests without one.
func restrictedCaller(r *http.Request) (user string, ok bool) {
	if !anyRestricted() {
		return "", false
	}
	cookie, err := r.Cookie(soap.SessionCookieName)
	if err != nil {
		return "", false
	}
	user, live := liveSessionUser(cookie.Value)
	if !live {
		return "", false
	}
	a, known := accounts[user]
	return user, known && a.restricted
}

// liveSessionUser finds the user of the session with this key through a
// session view of SessionManager, which lists every live session.
func liveSessionUser(key string) (string, bool) {
	ref := *serviceContent().SessionManager
	view := &simulator.Session{Registry: simulator.NewRegistry()}
	if sm, ok := view.Get(ref).(*simulator.SessionManager); ok {
		for _, s := range sm.SessionList {
			if s.Key == key {
				return s.UserName, true
			}
		}
	}
	return "", false
}

func serviceContent() types.ServiceContent {
	return simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content
}

func rootFolder() types.ManagedObjectReference { return serviceContent().RootFolder }

func authorizationManager() *AuthorizationManager {
	return simulator.Map.Get(*serviceContent().AuthorizationManager).(*AuthorizationManager)
}

// withPermissions runs f holding the authorization manager's lock, as its own
// methods run: its permission map is not safe to read while one is changed.
func withPermissions(f func(m *AuthorizationManager)) {
	m := authorizationManager()
	simulator.Map.WithLock(m, func() { f(m) })
}

// --- refusing calls ------------------------------------------------------------------------------

// refuseCall answers a restricted user's call with NoPermission when it lacks
// a privilege the call needs, and says whether it did.
func refuseCall(w http.ResponseWriter, r *http.Request, body []byte, call soapCall) bool {
	var needs func() []need
	switch rule, ruled := enforced[call.method]; {
	case ruled:
		needs = func() []need {
			method, err := simulator.UnmarshalBody(types.TypeFunc(), body)
			if err != nil {
				return nil // the simulator answers the malformed request itself
			}
			return rule(method.This, method.Body)
		}
	case call.method == "Fetch":
		needs = func() []need { return []need{{"System.Read", call.this}} }
	default:
		return false
	}
	user, restricted := restrictedCaller(r)
	if !restricted {
		return false
	}
	var missing *need
	list := needs()
	withPermissions(func(m *AuthorizationManager) {
		seen := m.visibility(user)
		for i, n := range list {
			if !isEntity(n.object) {
				continue
			}
			if n.privilege == "System.Read" && call.method == "Fetch" {
				if !seen(n.object) {
					missing = &list[i]
					return
				}
				continue
			}
			if set, all := m.granted(user, n.object); !all && !set[n.privilege] {
				missing = &list[i]
				return
			}
		}
	})
	if missing == nil {
		return false
	}
	writeFault(w, fmt.Sprintf("Permission to perform this operation was denied: %s requires privilege %s on %s %s",
		call.method, missing.privilege, missing.object.Type, missing.object.Value),
		&types.NoPermission{Object: missing.object, PrivilegeId: missing.privilege})
	return true
}

func isEntity(ref types.ManagedObjectReference) bool {
	_, ok := simulator.Map.Get(ref).(mo.Entity)
	return ok
}

func parentOf(ref types.ManagedObjectReference) *types.ManagedObjectReference {
	if e, ok := simulator.Map.Get(ref).(mo.Entity); ok {
		return e.Entity().Parent
	}
	return nil
}

func onThis(privilege string) needsOf {
	return func(this types.ManagedObjectReference, _ interface{}) []need {
		return []need{{privilege, this}}
	}
}

func onRoot(privilege string) needsOf {
	return func(types.ManagedObjectReference, interface{}) []need {
		return []need{{privilege, rootFolder()}}
	}
}

// onThisAndParent: removing an object from the inventory needs the privilege
// on the object and on its parent.
func onThisAndParent(privilege string) needsOf {
	return func(this types.ManagedObjectReference, _ interface{}) []need {
		needs := []need{{privilege, this}}
		if parent := parentOf(this); parent != nil {
			needs = append(needs, need{privilege, *parent})
		}
		return needs
	}
}

var destroyPrivilege = map[string]string{
	"VirtualMachine":         "VirtualMachine.Inventory.Delete",
	"ResourcePool":           "Resource.DeletePool",
	"Folder":                 "Folder.Delete",
	"ClusterComputeResource": "Host.Inventory.DeleteCluster",
	"Datacenter":             "Datacenter.Delete",
	"VirtualApp":             "VApp.Delete",
	"Datastore":              "Datastore.Delete",
}

func destroyNeeds(this types.ManagedObjectReference, req interface{}) []need {
	privilege, ok := destroyPrivilege[this.Type]
	if !ok {
		return nil
	}
	return onThisAndParent(privilege)(this, req)
}

// onSnapshotVM: a snapshot's methods need the privilege on its VM.
func onSnapshotVM(privilege string) needsOf {
	return func(this types.ManagedObjectReference, _ interface{}) []need {
		if s, ok := simulator.Map.Get(this).(*simulator.VirtualMachineSnapshot); ok {
			return []need{{privilege, s.Vm}}
		}
		return nil
	}
}

func onGuestVM(privilege string) needsOf {
	return func(_ types.ManagedObjectReference, req interface{}) []need {
		if vm, ok := referenceField(req, "Vm"); ok {
			return []need{{privilege, vm}}
		}
		return nil
	}
}

func onEntityArg(privilege string) needsOf {
	return func(_ types.ManagedObjectReference, req interface{}) []need {
		if entity, ok := referenceField(req, "Entity"); ok {
			return []need{{privilege, entity}}
		}
		return nil
	}
}

// referenceField reads a ManagedObjectReference field of a decoded request.
func referenceField(req interface{}, name string) (types.ManagedObjectReference, bool) {
	v := reflect.ValueOf(req)
	if v.Kind() != reflect.Ptr || v.Elem().Kind() != reflect.Struct {
		return types.ManagedObjectReference{}, false
	}
	f := v.Elem().FieldByName(name)
	if !f.IsValid() {
		return types.ManagedObjectReference{}, false
	}
	switch ref := f.Interface().(type) {
	case types.ManagedObjectReference:
		return ref, ref.Value != ""
	case *types.ManagedObjectReference:
		if ref != nil {
			return *ref, true
		}
	}
	return types.ManagedObjectReference{}, false
}

// onFirewallHost: a host firewall's methods need the privilege on its host.
func onFirewallHost(privilege string) needsOf {
	return func(this types.ManagedObjectReference, _ interface{}) []need {
		for _, e := range simulator.Map.All("HostSystem") {
			host := e.(*simulator.HostSystem)
			if fs := host.ConfigManager.FirewallSystem; fs != nil && *fs == this {
				return []need{{privilege, host.Self}}
			}
		}
		return nil
	}
}

// onDatastorePath: a file manager's or datastore browser's method needs the
// privilege on the datastore its "[name] path" argument names.
func onDatastorePath(privilege string) needsOf {
	return func(_ types.ManagedObjectReference, req interface{}) []need {
		var path string
		var dc *types.ManagedObjectReference
		switch x := req.(type) {
		case *types.MakeDirectory:
			path, dc = x.Name, x.Datacenter
		case *types.DeleteDatastoreFile_Task:
			path, dc = x.Name, x.Datacenter
		case *types.SearchDatastore_Task:
			path = x.DatastorePath
		case *types.SearchDatastoreSubFolders_Task:
			path = x.DatastorePath
		}
		if ds, ok := datastoreOfPath(path, dc); ok {
			return []need{{privilege, ds}}
		}
		return nil
	}
}

// datastoreOfPath finds the datastore of "[name] path" (in datacenter dc when
// given).
func datastoreOfPath(path string, dc *types.ManagedObjectReference) (types.ManagedObjectReference, bool) {
	if !strings.HasPrefix(path, "[") {
		return types.ManagedObjectReference{}, false
	}
	end := strings.Index(path, "]")
	if end < 0 {
		return types.ManagedObjectReference{}, false
	}
	return datastoreNamed(path[1:end], dc)
}

func datastoreNamed(name string, dc *types.ManagedObjectReference) (types.ManagedObjectReference, bool) {
	for _, e := range simulator.Map.All("Datastore") {
		ds := e.(*simulator.Datastore)
		if ds.Name != name {
			continue
		}
		if dc == nil || datacenterRef(ds.Self) == *dc {
			return ds.Self, true
		}
	}
	return types.ManagedObjectReference{}, false
}

func datacenterRef(ref types.ManagedObjectReference) types.ManagedObjectReference {
	for r := &ref; r != nil; r = parentOf(*r) {
		if r.Type == "Datacenter" {
			return *r
		}
	}
	return types.ManagedObjectReference{}
}

// createVMNeeds: VirtualMachine.Inventory.Create on the folder and
// Resource.AssignVMToPool on the pool; Datastore.AllocateSpace on the
// datastore of its files and disks, Network.Assign on its networks, and the
// disk privileges (on the folder) for the disks it creates or attaches.
func createVMNeeds(this types.ManagedObjectReference, req interface{}) []need {
	call, ok := req.(*types.CreateVM_Task)
	if !ok {
		return nil
	}
	needs := []need{{"VirtualMachine.Inventory.Create", this}}
	if call.Pool.Value != "" {
		needs = append(needs, need{"Resource.AssignVMToPool", call.Pool})
	}
	dc := datacenterRef(this)
	if call.Config.Files != nil {
		if ds, ok := datastoreOfPath(call.Config.Files.VmPathName, &dc); ok {
			needs = append(needs, need{"Datastore.AllocateSpace", ds})
		}
	}
	for _, change := range call.Config.DeviceChange {
		spec := change.GetVirtualDeviceConfigSpec()
		if spec.Operation != types.VirtualDeviceConfigSpecOperationAdd {
			continue
		}
		needs = append(needs, deviceNeeds(spec, this, dc)...)
	}
	return needs
}

// reconfigVMNeeds: what the spec changes decides (the API reference's
// "dynamic" privileges of ReconfigVM_Task).
func reconfigVMNeeds(this types.ManagedObjectReference, req interface{}) []need {
	call, ok := req.(*types.ReconfigVM_Task)
	if !ok {
		return nil
	}
	var needs []need
	add := func(privilege string) { needs = append(needs, need{privilege, this}) }
	spec := reflect.ValueOf(call.Spec)
	for i := 0; i < spec.NumField(); i++ {
		field := spec.Type().Field(i)
		if field.Anonymous || field.Name == "ChangeVersion" || field.Name == "DeviceChange" || spec.Field(i).IsZero() {
			continue
		}
		if privilege, ok := configSpecPrivilege[field.Name]; ok {
			add(privilege)
		} else {
			add("VirtualMachine.Config.Settings")
		}
	}
	dc := datacenterRef(this)
	for _, change := range call.Spec.DeviceChange {
		spec := change.GetVirtualDeviceConfigSpec()
		switch spec.Operation {
		case types.VirtualDeviceConfigSpecOperationAdd:
			needs = append(needs, deviceNeeds(spec, this, dc)...)
			if !isDisk(spec.Device) {
				add("VirtualMachine.Config.AddRemoveDevice")
			}
		case types.VirtualDeviceConfigSpecOperationRemove:
			if isDisk(spec.Device) {
				add("VirtualMachine.Config.RemoveDisk")
			} else {
				add("VirtualMachine.Config.AddRemoveDevice")
			}
		case types.VirtualDeviceConfigSpecOperationEdit:
			add("VirtualMachine.Config.EditDevice")
			needs = append(needs, networkNeeds(spec.Device)...)
		}
	}
	return needs
}

// configSpecPrivilege: the privilege a non-device field of a VM config spec
// needs; any other field needs VirtualMachine.Config.Settings.
var configSpecPrivilege = map[string]string{
	"ExtraConfig":       "VirtualMachine.Config.AdvancedConfig",
	"Name":              "VirtualMachine.Config.Rename",
	"Annotation":        "VirtualMachine.Config.Annotation",
	"NumCPUs":           "VirtualMachine.Config.CPUCount",
	"NumCoresPerSocket": "VirtualMachine.Config.CPUCount",
	"MemoryMB":          "VirtualMachine.Config.Memory",
	"CpuAllocation":     "VirtualMachine.Config.Resource",
	"MemoryAllocation":  "VirtualMachine.Config.Resource",
	"ManagedBy":         "VirtualMachine.Config.ManagedBy",
	"SwapPlacement":     "VirtualMachine.Config.SwapPlacement",
	"Version":           "VirtualMachine.Config.UpgradeVirtualHardware",
}

func isDisk(device types.BaseVirtualDevice) bool {
	_, ok := device.(*types.VirtualDisk)
	return ok
}

// deviceNeeds: an added device's disk privileges (on the VM or, for a new VM,
// its folder), its datastore's space and its network.
func deviceNeeds(spec *types.VirtualDeviceConfigSpec, on, dc types.ManagedObjectReference) []need {
	var needs []need
	if disk, ok := spec.Device.(*types.VirtualDisk); ok {
		if spec.FileOperation == types.VirtualDeviceConfigSpecFileOperationCreate {
			needs = append(needs, need{"VirtualMachine.Config.AddNewDisk", on})
		} else {
			needs = append(needs, need{"VirtualMachine.Config.AddExistingDisk", on})
		}
		if file, ok := disk.Backing.(types.BaseVirtualDeviceFileBackingInfo); ok {
			info := file.GetVirtualDeviceFileBackingInfo()
			if info.Datastore != nil {
				needs = append(needs, need{"Datastore.AllocateSpace", *info.Datastore})
			} else if ds, ok := datastoreOfPath(info.FileName, &dc); ok {
				needs = append(needs, need{"Datastore.AllocateSpace", ds})
			}
		}
	}
	return append(needs, networkNeeds(spec.Device)...)
}

// networkNeeds: Network.Assign on the network a NIC is backed by.
func networkNeeds(device types.BaseVirtualDevice) []need {
	if device == nil {
		return nil
	}
	switch backing := device.GetVirtualDevice().Backing.(type) {
	case *types.VirtualEthernetCardNetworkBackingInfo:
		if backing.Network != nil {
			return []need{{"Network.Assign", *backing.Network}}
		}
	case *types.VirtualEthernetCardDistributedVirtualPortBackingInfo:
		for _, e := range simulator.Map.All("DistributedVirtualPortgroup") {
			pg := e.(*simulator.DistributedVirtualPortgroup)
			if pg.Key == backing.Port.PortgroupKey {
				return []need{{"Network.Assign", pg.Self}}
			}
		}
	}
	return nil
}

// --- what a user may see -------------------------------------------------------------------------

// visibility answers which inventory objects user sees: those it holds
// System.Read on, and the parents of every object a permission for it (or
// its groups) is set on, so that it can navigate there. Call it, and the
// function it returns, holding the authorization manager's lock.
func (m *AuthorizationManager) visibility(user string) func(types.ManagedObjectReference) bool {
	a, known := accounts[user]
	if !known || !a.restricted {
		return func(types.ManagedObjectReference) bool { return true }
	}
	path := map[types.ManagedObjectReference]bool{}
	all := m.RetrieveAllPermissions(&types.RetrieveAllPermissions{}).(*methods.RetrieveAllPermissionsBody)
	for _, p := range all.Res.Returnval {
		mine := (!p.Group && strings.EqualFold(p.Principal, user)) || (p.Group && inGroups(p.Principal, a.groups))
		if !mine || p.Entity == nil {
			continue
		}
		for ref := parentOf(*p.Entity); ref != nil; ref = parentOf(*ref) {
			path[*ref] = true
		}
	}
	return func(ref types.ManagedObjectReference) bool {
		if !isEntity(ref) || path[ref] {
			return true
		}
		held, _ := m.granted(user, ref)
		return held["System.Read"]
	}
}

// objectPaths: where one object's answer sits below the SOAP Body, for the
// property collector's methods.
var objectPaths = map[string][]string{
	"RetrieveProperties":           {"RetrievePropertiesResponse", "returnval"},
	"RetrievePropertiesEx":         {"RetrievePropertiesExResponse", "returnval", "objects"},
	"ContinueRetrievePropertiesEx": {"ContinueRetrievePropertiesExResponse", "returnval", "objects"},
	"WaitForUpdatesEx":             {"WaitForUpdatesExResponse", "returnval", "filterSet", "objectSet"},
	"WaitForUpdates":               {"WaitForUpdatesResponse", "returnval", "filterSet", "objectSet"},
	"CheckForUpdates":              {"CheckForUpdatesResponse", "returnval", "filterSet", "objectSet"},
}

// serveFiltered serves a restricted user's property collector call and cuts
// from the answer the objects the user may not see; it says whether it
// served the call.
func serveFiltered(next http.Handler, w http.ResponseWriter, r *http.Request, call soapCall) bool {
	path, collects := objectPaths[call.method]
	if !collects {
		return false
	}
	user, restricted := restrictedCaller(r)
	if !restricted {
		return false
	}
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	if rec.Code == http.StatusOK {
		body = cutInvisible(body, path, user)
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
	return true
}

// span is one object's answer in a response body.
type span struct {
	start, end int64
	obj        types.ManagedObjectReference
}

type objectAnswer struct {
	Obj struct {
		Type  string `xml:"type,attr"`
		Value string `xml:",chardata"`
	} `xml:"obj"`
}

// cutInvisible removes the answers for objects user may not see. A body it
// cannot read is returned as it is.
func cutInvisible(body []byte, path []string, user string) []byte {
	d := xml.NewDecoder(bytes.NewReader(body))
	var stack []string
	var spans []span
	for {
		offset := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			// stack: Envelope, Body, then the path.
			if atPath(stack, t.Name.Local, path) {
				var answer objectAnswer
				if d.DecodeElement(&answer, &t) != nil {
					return body
				}
				spans = append(spans, span{offset, d.InputOffset(),
					types.ManagedObjectReference{Type: answer.Obj.Type, Value: strings.TrimSpace(answer.Obj.Value)}})
				continue
			}
			stack = append(stack, t.Name.Local)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(spans) == 0 {
		return body
	}
	hidden := make([]bool, len(spans))
	withPermissions(func(m *AuthorizationManager) {
		seen := m.visibility(user)
		for i, s := range spans {
			hidden[i] = !seen(s.obj)
		}
	})
	var out bytes.Buffer
	last := int64(0)
	for i, s := range spans {
		if hidden[i] {
			out.Write(body[last:s.start])
			last = s.end
		}
	}
	out.Write(body[last:])
	return out.Bytes()
}

// atPath: whether element name, opened below the elements of stack
// (Envelope, Body, ...), is at path below the Body.
func atPath(stack []string, name string, path []string) bool {
	if len(stack) < 2 || stack[1] != "Body" || len(stack)-2 != len(path)-1 || path[len(path)-1] != name {
		return false
	}
	for i, p := range path[:len(path)-1] {
		if stack[2+i] != p {
			return false
		}
	}
	return true
}

// --- the datastore file interface ----------------------------------------------------------------

const datastoreFilesPrefix = "/folder"

// refuseFileAccess answers a /folder request without a session with 401, and
// a restricted user's without the privilege on the datastore with 403; it
// says whether it answered.
func refuseFileAccess(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != datastoreFilesPrefix && !strings.HasPrefix(r.URL.Path, datastoreFilesPrefix+"/") {
		return false
	}
	cookie, err := r.Cookie(soap.SessionCookieName)
	var user string
	live := false
	if err == nil {
		user, live = liveSessionUser(cookie.Value)
	}
	if !live {
		http.Error(w, "not logged in: the datastore file interface needs a vCenter session", http.StatusUnauthorized)
		return true
	}
	if a, known := accounts[user]; !known || !a.restricted {
		return false
	}
	privilege := "Datastore.FileManagement"
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		privilege = "Datastore.Browse"
	}
	ds, ok := datastoreOfQuery(r.URL.Query())
	if !ok {
		return false // the simulator answers 404 itself
	}
	allowed := false
	withPermissions(func(m *AuthorizationManager) {
		set, all := m.granted(user, ds)
		allowed = all || set[privilege]
	})
	if allowed {
		return false
	}
	http.Error(w, fmt.Sprintf("%s lacks privilege %s on %s %s", user, privilege, ds.Type, ds.Value), http.StatusForbidden)
	return true
}

// datastoreOfQuery: the datastore a /folder URL names (dsName, in the
// datacenter dcPath names).
func datastoreOfQuery(q url.Values) (types.ManagedObjectReference, bool) {
	var dc *types.ManagedObjectReference
	if path := strings.Trim(q.Get("dcPath"), "/"); path != "" {
		name := path[strings.LastIndex(path, "/")+1:]
		for _, e := range simulator.Map.All("Datacenter") {
			if e.Entity().Name == name {
				ref := e.Reference()
				dc = &ref
				break
			}
		}
		if dc == nil {
			return types.ManagedObjectReference{}, false
		}
	}
	return datastoreNamed(q.Get("dsName"), dc)
}
