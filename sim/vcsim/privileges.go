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
//     ancestor count only with propagate=true, as in vCenter. A virtual
//     machine inherits along two lines at once, its folder's and its resource
//     pool's (the union of both).
//
// permissions_enforce.go checks the same privileges on the calls themselves.

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

// effectiveRoles: the roles of the most specific permissions for user (or its
// groups) on entity or, propagated, on its parents. A virtual machine without
// one of its own inherits from its folder and its resource pool at once, as in
// vSphere: both lines count.
func (m *AuthorizationManager) effectiveRoles(user string, groups []string, entity types.ManagedObjectReference) []int32 {
	if vm, ok := simulator.Map.Get(entity).(*simulator.VirtualMachine); ok && vm.ResourcePool != nil {
		if own, found := m.levelRoles(user, groups, entity, true); found {
			return own
		}
		folder := m.inheritedRoles(user, groups, vm.Parent, false)
		return append(folder, m.inheritedRoles(user, groups, vm.ResourcePool, false)...)
	}
	return m.inheritedRoles(user, groups, &entity, true)
}

// inheritedRoles walks from ref up to the root folder; the first level with a
// permission for user (else for its groups) decides.
func (m *AuthorizationManager) inheritedRoles(user string, groups []string, ref *types.ManagedObjectReference, own bool) []int32 {
	for ref != nil {
		e, ok := simulator.Map.Get(*ref).(mo.Entity)
		if !ok {
			return nil
		}
		if roles, found := m.levelRoles(user, groups, *ref, own); found {
			return roles
		}
		ref, own = e.Entity().Parent, false
	}
	return nil
}

// levelRoles: the roles the permissions set on ref itself give user (those
// for the user win over those for its groups); from a child (own false) only
// the propagating ones count.
func (m *AuthorizationManager) levelRoles(user string, groups []string, ref types.ManagedObjectReference, own bool) ([]int32, bool) {
	res := m.RetrieveEntityPermissions(&types.RetrieveEntityPermissions{Entity: ref}).(*methods.RetrieveEntityPermissionsBody).Res
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
		return userRoles, true
	}
	return groupRoles, len(groupRoles) > 0
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

// SetEntityPermissions adds the given permissions to the entity's, replacing
// only those for the same principal, as vCenter does; vcsim 0.24.2 replaces
// the entity's whole list, so granting one user dropped every other's.
func (m *AuthorizationManager) SetEntityPermissions(req *types.SetEntityPermissions) soap.HasFault {
	if simulator.Map.Get(req.Entity) == nil {
		return &methods.SetEntityPermissionsBody{Fault_: entityFault(req.Entity)}
	}
	res := m.RetrieveEntityPermissions(&types.RetrieveEntityPermissions{Entity: req.Entity}).(*methods.RetrieveEntityPermissionsBody).Res
	list := append([]types.Permission(nil), res.Returnval...)
	for _, p := range req.Permission {
		entity := req.Entity
		p.Entity = &entity
		replaced := false
		for i, have := range list {
			if have.Group == p.Group && strings.EqualFold(have.Principal, p.Principal) {
				list[i], replaced = p, true
			}
		}
		if !replaced {
			list = append(list, p)
		}
	}
	return m.AuthorizationManager.SetEntityPermissions(&types.SetEntityPermissions{This: req.This, Entity: req.Entity, Permission: list})
}

// AddAuthorizationRole: vcsim 0.24.2 adds the role but always answers 0;
// vCenter answers the new role's id, the one a permission then names.
func (m *AuthorizationManager) AddAuthorizationRole(req *types.AddAuthorizationRole) soap.HasFault {
	body := m.AuthorizationManager.AddAuthorizationRole(req).(*methods.AddAuthorizationRoleBody)
	if body.Fault_ == nil {
		for _, role := range m.RoleList {
			if role.Name == req.Name {
				body.Res.Returnval = role.RoleId
			}
		}
	}
	return body
}
