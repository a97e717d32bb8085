package main

// Paged property-collector answers, as vCenter gives them. govmomi 0.24.2's
// simulator answers RetrievePropertiesEx in one page whatever
// RetrieveOptions.maxObjects says, and has neither ContinueRetrievePropertiesEx
// nor CancelRetrievePropertiesEx. Here, as in the vSphere API reference:
//
//   - RetrievePropertiesEx returns at most maxObjects objects, and at most the
//     server's own page size (-page-size, as vCenter's "PropertyCollector
//     policy"), even when maxObjects is unset; maxObjects <= 0 is
//     InvalidArgument. When more remain, the result carries a token.
//   - A token may be passed once, to ContinueRetrievePropertiesEx (the next
//     page, with a new token while more remain) or CancelRetrievePropertiesEx
//     (the rest discarded), only in the session that got it and only to the
//     PropertyCollector that returned it, and only while it is the token of
//     that collector's previous result: a new RetrievePropertiesEx on the same
//     collector in the same session discards a retrieval still under way.
//     Anything else is InvalidArgument (invalidProperty "token").
//
// Sessions already get their own instance of the service's PropertyCollector
// (simulator.Session.Get), and CreatePropertyCollector gives one more, so the
// state kept per instance is per session and per collector.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// serverPageSize is -page-size: the most objects one page holds whatever the
// client asks (0: no limit of the server's own).
var serverPageSize int

// PagedCollector is the simulator's PropertyCollector with vCenter's paging.
// The embedded collector is held by value: Session.Get makes each session's
// instance with reflect.New of this type.
type PagedCollector struct {
	simulator.PropertyCollector

	pagingMu sync.Mutex
	pending  *pendingRetrieval
}

// pendingRetrieval is what is left of a paged retrieval, and the one token
// that continues or cancels it.
type pendingRetrieval struct {
	token string
	limit int
	rest  []types.ObjectContent
}

func installPagedCollector() {
	content := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content
	pc := &PagedCollector{}
	pc.Self = content.PropertyCollector
	simulator.Map.Put(pc) // replaces the unpaged singleton of the same reference
}

func newToken() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// pageLimit is how many objects one page may hold for a maxObjects (0 = unset).
func pageLimit(maxObjects int32) int {
	limit := int(maxObjects)
	if serverPageSize > 0 && (limit == 0 || limit > serverPageSize) {
		limit = serverPageSize
	}
	return limit
}

func badToken(token string) *soap.Fault {
	return simulator.Fault(fmt.Sprintf("token %q is not the token of this property collector's previous result in this session", token),
		&types.InvalidArgument{InvalidProperty: "token"})
}

// RetrievePropertiesEx answers as the simulator does, then keeps all but the first page.
func (pc *PagedCollector) RetrievePropertiesEx(ctx *simulator.Context, r *types.RetrievePropertiesEx) soap.HasFault {
	if r.Options.MaxObjects < 0 {
		return &methods.RetrievePropertiesExBody{Fault_: simulator.Fault("maxObjects must be positive",
			&types.InvalidArgument{InvalidProperty: "maxObjects"})}
	}
	answer := pc.PropertyCollector.RetrievePropertiesEx(ctx, r)
	body, ok := answer.(*methods.RetrievePropertiesExBody)
	pc.pagingMu.Lock()
	defer pc.pagingMu.Unlock()
	pc.pending = nil // a new retrieval on this collector ends one still under way
	if !ok || body.Fault_ != nil || body.Res == nil || body.Res.Returnval == nil {
		return answer
	}
	result := body.Res.Returnval
	limit := pageLimit(r.Options.MaxObjects)
	if limit > 0 && len(result.Objects) > limit {
		pc.pending = &pendingRetrieval{token: newToken(), limit: limit, rest: result.Objects[limit:]}
		result.Objects = result.Objects[:limit:limit]
		result.Token = pc.pending.token
	}
	return answer
}

// ContinueRetrievePropertiesEx returns the next page of the pending retrieval.
func (pc *PagedCollector) ContinueRetrievePropertiesEx(ctx *simulator.Context, r *types.ContinueRetrievePropertiesEx) soap.HasFault {
	body := &methods.ContinueRetrievePropertiesExBody{}
	pc.pagingMu.Lock()
	defer pc.pagingMu.Unlock()
	p := pc.pending
	if p == nil || r.Token == "" || r.Token != p.token {
		body.Fault_ = badToken(r.Token)
		return body
	}
	result := types.RetrieveResult{}
	if len(p.rest) > p.limit {
		result.Objects = p.rest[:p.limit:p.limit]
		p.rest = p.rest[p.limit:]
		p.token = newToken() // each token is good for one call
		result.Token = p.token
	} else {
		result.Objects = p.rest
		pc.pending = nil
	}
	body.Res = &types.ContinueRetrievePropertiesExResponse{Returnval: result}
	return body
}

// CancelRetrievePropertiesEx discards the rest of the pending retrieval.
func (pc *PagedCollector) CancelRetrievePropertiesEx(ctx *simulator.Context, r *types.CancelRetrievePropertiesEx) soap.HasFault {
	body := &methods.CancelRetrievePropertiesExBody{}
	pc.pagingMu.Lock()
	defer pc.pagingMu.Unlock()
	if pc.pending == nil || r.Token == "" || r.Token != pc.pending.token {
		body.Fault_ = badToken(r.Token)
		return body
	}
	pc.pending = nil
	body.Res = &types.CancelRetrievePropertiesExResponse{}
	return body
}

// CreatePropertyCollector makes a paged collector too, private to the session.
func (pc *PagedCollector) CreatePropertyCollector(ctx *simulator.Context, c *types.CreatePropertyCollector) soap.HasFault {
	created := &PagedCollector{}
	created.Self.Type = "PropertyCollector" // the value is the session's to give
	return &methods.CreatePropertyCollectorBody{
		Res: &types.CreatePropertyCollectorResponse{Returnval: ctx.Session.Put(created).Reference()},
	}
}

// maxObjectsPattern finds RetrieveOptions.maxObjects in a request; the decoded
// request cannot tell an explicit 0 (illegal) from an unset value.
var maxObjectsPattern = regexp.MustCompile(`<(?:[\w.-]+:)?maxObjects(?:\s[^>]*)?>\s*(-?\d+)\s*<`)

// pagingGuard is the handler between our hooks and the simulator that answers
// a RetrievePropertiesEx whose maxObjects is 0 or less with InvalidArgument,
// as vCenter does.
func pagingGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.Body != nil {
			body, err := io.ReadAll(r.Body)
			_ = r.Body.Close()
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			if refuseMaxObjects(w, peekCall(body).method, body) {
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// refuseMaxObjects answers a RetrievePropertiesEx whose maxObjects is 0 or less
// with InvalidArgument and says whether it did.
func refuseMaxObjects(w http.ResponseWriter, method string, body []byte) bool {
	if method != "RetrievePropertiesEx" {
		return false
	}
	m := maxObjectsPattern.FindSubmatch(body)
	if m == nil {
		return false
	}
	n, err := strconv.Atoi(string(m[1]))
	if err == nil && n > 0 {
		return false
	}
	writeFault(w, fmt.Sprintf("maxObjects %s is illegal: it must be positive", m[1]),
		&types.InvalidArgument{InvalidProperty: "maxObjects"})
	return true
}
