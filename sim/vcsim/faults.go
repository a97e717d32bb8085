package main

// Fault injection rules: make a named SOAP method fail with a named vSphere
// fault (once, N times or always) and/or answer after a delay.

import (
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/vmware/govmomi/vim25/types"
)

// faultRule is one injected behaviour, as posted to /_sim/faults.
type faultRule struct {
	ID      int    `json:"id"`
	Method  string `json:"method"`
	Fault   string `json:"fault"` // empty: delay only, then answer normally
	Message string `json:"message"`
	Count   int    `json:"count"` // how many calls it applies to; 0 = every call
	DelayMS int    `json:"delay_ms"`
	Task    bool   `json:"task"` // for *_Task methods: return a task that ends in the fault
	Hits    int    `json:"hits"` // calls it has applied to so far
}

func (r *faultRule) exhausted() bool {
	return r.Count > 0 && r.Hits >= r.Count
}

type faultRules struct {
	mu     sync.Mutex
	nextID int
	rules  []*faultRule
}

var rules = &faultRules{nextID: 1}

// add validates and stores a rule, returning the stored copy.
func (s *faultRules) add(r faultRule) (faultRule, error) {
	if r.Method == "" {
		return r, errors.New("method is required")
	}
	if r.Count < 0 || r.DelayMS < 0 {
		return r, errors.New("count and delay_ms must not be negative")
	}
	if r.Fault != "" {
		if _, err := newFault(r.Fault); err != nil {
			return r, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r.ID = s.nextID
	r.Hits = 0
	s.nextID++
	s.rules = append(s.rules, &r)
	return r, nil
}

// take returns a copy of the first live rule for method and counts the hit;
// exhausted rules are dropped.
func (s *faultRules) take(method string) (faultRule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.rules {
		if r.Method != method {
			continue
		}
		r.Hits++
		hit := *r
		if r.exhausted() {
			s.rules = append(s.rules[:i], s.rules[i+1:]...)
		}
		return hit, true
	}
	return faultRule{}, false
}

func (s *faultRules) list() []faultRule {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]faultRule, 0, len(s.rules))
	for _, r := range s.rules {
		out = append(out, *r)
	}
	return out
}

func (s *faultRules) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

var (
	faultTypes      = types.TypeFunc()
	methodFaultType = reflect.TypeOf((*types.BaseMethodFault)(nil)).Elem()
	morefType       = reflect.TypeOf(types.ManagedObjectReference{})
)

// newFault makes an empty vim25 fault of the given type name, e.g. "NotFound".
func newFault(name string) (types.BaseMethodFault, error) {
	t, ok := faultTypes(name)
	if !ok || t.Kind() != reflect.Struct || !reflect.PtrTo(t).Implements(methodFaultType) {
		return nil, fmt.Errorf("%q is not a vSphere fault type", name)
	}
	return reflect.New(t).Interface().(types.BaseMethodFault), nil
}

// faultFor builds the fault for a call on this. Required reference fields
// (DuplicateName.object, NoPermission.object, ...) are set to the called
// object, so clients can decode the fault.
func faultFor(rule faultRule, this types.ManagedObjectReference) types.BaseMethodFault {
	f, err := newFault(rule.Fault)
	if err != nil {
		f = &types.RuntimeFault{}
	}
	fillReferences(reflect.ValueOf(f).Elem(), this)
	switch x := f.(type) {
	case *types.DuplicateName:
		x.Name = rule.Message
	case *types.NoPermission:
		x.PrivilegeId = "System.View"
	}
	return f
}

func fillReferences(v reflect.Value, this types.ManagedObjectReference) {
	for i := 0; i < v.NumField(); i++ {
		field := v.Field(i)
		switch {
		case field.Type() == morefType && field.CanSet():
			if field.Interface().(types.ManagedObjectReference).Type == "" {
				field.Set(reflect.ValueOf(this))
			}
		case field.Kind() == reflect.Struct && v.Type().Field(i).Anonymous:
			fillReferences(field, this)
		}
	}
}
