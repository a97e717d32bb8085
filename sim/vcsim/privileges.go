package main

// AuthorizationManager: vcsim 0.24.2 answers every HasPrivilege* question with
// "granted". Here the answers follow the permissions set with
// SetEntityPermissions, for the users of users.go:
//
//   - an unrestricted account (the main user, or a name not in the table, such
//     as an extension's session) holds every privilege;
//   - a restricted account (-user) holds the privileges of the roles that the
//     most specific permissions grant it: walking from the entity up to the
//     root folder, the first level with a permission for the user itself wins,
//     else the first level with one for any of its groups. Permissions on an
//     ancestor count only with propagate=true, as in vCenter.

import (
	"fmt"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// AuthorizationManager embeds vcsim's by value: the property collector digs
// the mo type out of the first field, and its permissions map is shared.
type AuthorizationManager struct {
	simulator.AuthorizationManager
}

func installAuthorizationManager() {
	content := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content
	original := simulator.Map.Get(*content.AuthorizationManager).(*simulator.AuthorizationManager)
	simulator.Map.Put(&AuthorizationManager{AuthorizationManager: *original})
}

// sessionUser names the user of a live session, or returns a fault.
func sessionUser(ctx *simulator.Context, id string) (string, *soap.Fault) {
	if id == ctx.Session.Key {
		return ctx.Session.UserName, nil
	}
	// A session's view of SessionManager lists every live session.
	ref := *simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content.SessionManager
	if sm, ok := ctx.Session.Get(ref).(*simulator.SessionManager); ok {
		for _, s := range sm.SessionList {
			if s.Key == id {
				return s.UserName, nil
			}
		}
	}
	return "", simulator.Fault(fmt.Sprintf("no session %q", id), &types.InvalidArgument{InvalidProperty: "sessionId"})
}

// granted returns the privileges user holds on entity; all is true for an
// unrestricted account.
func (m *AuthorizationManager) granted(user string, entity types.ManagedObjectReference) (set map[string]bool, all bool) {
	a, known := accounts[user]
	if !known || !a.restricted {
		return nil, true
	}
	set = map[string]bool{}
	for _, id := range m.effectiveRoles(user, a.groups, entity) {
		for _, role := range m.RoleList {
			if role.RoleId == id {
				for _, p := range role.Privilege {
					set[p] = true
				}
			}
		}
	}
	return set, false
}

func (m *AuthorizationManager) effectiveRoles(user string, groups []string, entity types.ManagedObjectReference) []int32 {
	ref, own := &entity, true
	for ref != nil {
		e, ok := simulator.Map.Get(*ref).(mo.Entity)
		if !ok {
			return nil
		}
		res := m.RetrieveEntityPermissions(&types.RetrieveEntityPermissions{Entity: *ref}).(*methods.RetrieveEntityPermissionsBody).Res
		var userRoles, groupRoles []int32
		for _, p := range res.Returnval {
			if !own && !p.Propagate {
				continue
			}
			switch {
			case !p.Group && strings.EqualFold(p.Principal, user):
				userRoles = append(userRoles, p.RoleId)
			case p.Group && inGroups(p.Principal, groups):
				groupRoles = append(groupRoles, p.RoleId)
			}
		}
		if len(userRoles) > 0 {
			return userRoles
		}
		if len(groupRoles) > 0 {
			return groupRoles
		}
		ref, own = e.Entity().Parent, false
	}
	return nil
}

func inGroups(name string, groups []string) bool {
	for _, g := range groups {
		if strings.EqualFold(g, name) {
			return true
		}
	}
	return false
}

func entityFault(ref types.ManagedObjectReference) *soap.Fault {
	return simulator.Fault(fmt.Sprintf("managed object not found: %s", ref), &types.ManagedObjectNotFound{Obj: ref})
}

func (m *AuthorizationManager) availability(user string, entity types.ManagedObjectReference, ids []string) []types.PrivilegeAvailability {
	set, all := m.granted(user, entity)
	out := make([]types.PrivilegeAvailability, len(ids))
	for i, id := range ids {
		out[i] = types.PrivilegeAvailability{PrivId: id, IsGranted: all || set[id]}
	}
	return out
}

// HasPrivilegeOnEntityResponse replaces govmomi's, whose omitempty drops
// every false from the answer; the simulator names the response element
// after this type.
type HasPrivilegeOnEntityResponse struct {
	Returnval []bool `xml:"returnval"`
}

type hasPrivilegeOnEntityBody struct {
	Res    *HasPrivilegeOnEntityResponse
	Fault_ *soap.Fault
}

func (b *hasPrivilegeOnEntityBody) Fault() *soap.Fault { return b.Fault_ }

// HasPrivilegeOnEntity answers for the session named by sessionId.
func (m *AuthorizationManager) HasPrivilegeOnEntity(ctx *simulator.Context, req *types.HasPrivilegeOnEntity) soap.HasFault {
	body := &hasPrivilegeOnEntityBody{}
	user, fault := sessionUser(ctx, req.SessionId)
	if fault == nil && simulator.Map.Get(req.Entity) == nil {
		fault = entityFault(req.Entity)
	}
	if fault != nil {
		body.Fault_ = fault
		return body
	}
	body.Res = &HasPrivilegeOnEntityResponse{Returnval: []bool{}}
	for _, p := range m.availability(user, req.Entity, req.PrivId) {
		body.Res.Returnval = append(body.Res.Returnval, p.IsGranted)
	}
	return body
}

// HasPrivilegeOnEntities answers for the session named by sessionId.
func (m *AuthorizationManager) HasPrivilegeOnEntities(ctx *simulator.Context, req *types.HasPrivilegeOnEntities) soap.HasFault {
	body := &methods.HasPrivilegeOnEntitiesBody{}
	user, fault := sessionUser(ctx, req.SessionId)
	if fault != nil {
		body.Fault_ = fault
		return body
	}
	body.Res = &types.HasPrivilegeOnEntitiesResponse{}
	for _, e := range req.Entity {
		if simulator.Map.Get(e) == nil {
			return &methods.HasPrivilegeOnEntitiesBody{Fault_: entityFault(e)}
		}
		body.Res.Returnval = append(body.Res.Returnval,
			types.EntityPrivilege{Entity: e, PrivAvailability: m.availability(user, e, req.PrivId)})
	}
	return body
}

// HasUserPrivilegeOnEntities answers for a user named directly.
func (m *AuthorizationManager) HasUserPrivilegeOnEntities(req *types.HasUserPrivilegeOnEntities) soap.HasFault {
	body := &methods.HasUserPrivilegeOnEntitiesBody{Res: &types.HasUserPrivilegeOnEntitiesResponse{}}
	for _, e := range req.Entities {
		if simulator.Map.Get(e) == nil {
			return &methods.HasUserPrivilegeOnEntitiesBody{Fault_: entityFault(e)}
		}
		body.Res.Returnval = append(body.Res.Returnval,
			types.EntityPrivilege{Entity: e, PrivAvailability: m.availability(req.UserName, e, req.PrivId)})
	}
	return body
}
