package main

// Assigned license features, set from tests through /_sim/license.
//
// 0.24.2's LicenseAssignmentManager reports the evaluation license (features
// serialuri:2 and dvs) for every entity, so a host lacking a feature cannot
// be shown. POST {"host": "host-34", "features": ["dvs"]} makes
// QueryAssignedLicenses report exactly those features for that host; an
// empty or absent host sets them for every host (and drops per-host
// settings). DELETE restores the evaluation license everywhere; GET shows
// what is in force.

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// licenseState is what /_sim/license shows: features for every host (nil:
// the evaluation license) and per-host overrides.
type licenseState struct {
	All   []string            `json:"all"`
	Hosts map[string][]string `json:"hosts"`
}

type licenseAssignments struct {
	simulator.LicenseAssignmentManager

	mu    sync.Mutex
	state licenseState
}

var (
	licensesOnce sync.Once
	licenses     *licenseAssignments
)

// installLicenseAssignments replaces the simulator's manager (same reference)
// on first use, so a simulator never told otherwise behaves as vcsim does.
func installLicenseAssignments() *licenseAssignments {
	licensesOnce.Do(func() {
		content := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content
		m := &licenseAssignments{state: licenseState{Hosts: map[string][]string{}}}
		if content.LicenseManager != nil {
			lm := simulator.Map.Get(*content.LicenseManager).(*simulator.LicenseManager)
			if lm.LicenseAssignmentManager != nil {
				m.Self = *lm.LicenseAssignmentManager
				simulator.Map.Put(m)
			}
		}
		licenses = m
	})
	return licenses
}

func serveLicense(w http.ResponseWriter, r *http.Request) {
	m := installLicenseAssignments()
	switch r.Method {
	case http.MethodGet:
	case http.MethodDelete:
		m.mu.Lock()
		m.state = licenseState{Hosts: map[string][]string{}}
		m.mu.Unlock()
	case http.MethodPost:
		var req struct {
			Host     string   `json:"host"`
			Features []string `json:"features"`
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad license request: " + err.Error()})
			return
		}
		features := append([]string{}, req.Features...) // never nil: nil means the evaluation license
		m.mu.Lock()
		if req.Host == "" {
			m.state = licenseState{All: features, Hosts: map[string][]string{}}
		} else if simulator.Map.Get(types.ManagedObjectReference{Type: "HostSystem", Value: req.Host}) == nil {
			m.mu.Unlock()
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "no host " + req.Host})
			return
		} else {
			m.state.Hosts[req.Host] = features
		}
		m.mu.Unlock()
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET, POST or DELETE"})
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	writeJSON(w, http.StatusOK, m.state)
}

// licenseWith is the evaluation license reduced (or extended) to features.
func licenseWith(features []string) types.LicenseManagerLicenseInfo {
	info := simulator.EvalLicense
	if features == nil {
		return info
	}
	names := map[string]string{}
	for _, p := range simulator.EvalLicense.Properties {
		if kv, ok := p.Value.(types.KeyValue); ok {
			names[kv.Key] = kv.Value
		}
	}
	info.Properties = nil
	for _, f := range features {
		name := names[f]
		if name == "" {
			name = f
		}
		info.Properties = append(info.Properties, types.KeyAnyValue{Key: "feature", Value: types.KeyValue{Key: f, Value: name}})
	}
	return info
}

// QueryAssignedLicenses answers for one entity, or (no entity) with the
// license of every host ("" as vcsim names it) plus each host set apart.
func (m *licenseAssignments) QueryAssignedLicenses(req *types.QueryAssignedLicenses) soap.HasFault {
	m.mu.Lock()
	defer m.mu.Unlock()
	body := &methods.QueryAssignedLicensesBody{Res: &types.QueryAssignedLicensesResponse{}}
	assign := func(entity string, features []string) {
		body.Res.Returnval = append(body.Res.Returnval, types.LicenseAssignmentManagerLicenseAssignment{
			EntityId: entity, AssignedLicense: licenseWith(features),
		})
	}
	if req.EntityId != "" {
		if features, ok := m.state.Hosts[req.EntityId]; ok {
			assign(req.EntityId, features)
			return body
		}
		ref := types.ManagedObjectReference{Type: "HostSystem", Value: req.EntityId}
		if simulator.Map.Get(ref) == nil && req.EntityId != simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content.About.InstanceUuid {
			return body
		}
		assign(req.EntityId, m.state.All)
		return body
	}
	assign("", m.state.All)
	for host, features := range m.state.Hosts {
		assign(host, features)
	}
	return body
}
