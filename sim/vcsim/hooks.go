package main

// The HTTP handler in front of the simulator: serves the control endpoint,
// applies injected faults and delays to SOAP calls, and runs our fixes after
// the calls that need them.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"time"

	"github.com/vmware/govmomi/vim25/types"
)

// afterHooks run once the simulator has answered a call, before the answer
// reaches the client, with the call's _this.
var afterHooks = map[string]func(types.ManagedObjectReference){
	"ReconfigVM_Task":         normalizeVM,
	"CreateVM_Task":           normalizeAllVMs,
	"CloneVM_Task":            normalizeAllVMs,
	"CreateLocalDatastore":    func(types.ManagedObjectReference) { fixDatastoreHosts() },
	"CreateNasDatastore":      func(types.ManagedObjectReference) { fixDatastoreHosts() },
	"CreateVmfsDatastore":     func(types.ManagedObjectReference) { fixDatastoreHosts() },
	"AddPortGroup":            syncHostNetworks,
	"RemovePortGroup":         syncHostNetworks,
	"CreateSnapshot_Task":     syncRootSnapshots,
	"RemoveSnapshot_Task":     syncRootSnapshots,
	"RemoveAllSnapshots_Task": syncRootSnapshots,
}

type hooks struct {
	next http.Handler
}

func newHooks(next http.Handler) http.Handler {
	return &hooks{next: next}
}

func (h *hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer recoverAsFault(w)
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		serveControl(w, r)
		return
	}
	if r.URL.Path == cloneTicketPath {
		serveCloneTicket(h.next, w, r)
		return
	}
	if refuseFileAccess(w, r) {
		return
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/sdk") {
		h.next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if refuseLogin(w, body) {
		return
	}
	call := peekCall(body)

	if rule, ok := rules.take(call.method); ok {
		if rule.DelayMS > 0 {
			time.Sleep(time.Duration(rule.DelayMS) * time.Millisecond)
		}
		if rule.Fault != "" {
			writeInjected(w, rule, call)
			return
		}
	}

	// Privileges (permissions_enforce.go): refused before anything changes.
	if refuseCall(w, r, body, call) {
		return
	}
	if call.method == "ReconfigureComputeResource_Task" {
		applyDrsConfig(call.this, body)
	}
	// ExtensionServerInfo.serverCertificate (extension_server_certificate.go).
	if serveServerCertificates(h.next, w, r, call, body) {
		return
	}
	if serveFiltered(h.next, w, r, call) {
		return
	}
	after := afterHooks[call.method]
	if after == nil {
		h.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	h.next.ServeHTTP(rec, r)
	after(call.this)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// recoverAsFault turns a panic in the simulator (its XML decoder panics on
// some well-formed requests it does not expect) into an InvalidRequest SOAP
// fault, rather than a dropped connection that tells the client nothing.
func recoverAsFault(w http.ResponseWriter) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler {
		panic(p)
	}
	log.Printf("vcsim: request failed: %v\n%s", p, debug.Stack())
	writeFault(w, fmt.Sprintf("the simulator could not handle this request: %v", p), &types.InvalidRequest{})
}

// soapCall is what we need to know of a request: the method and its _this.
type soapCall struct {
	method string
	this   types.ManagedObjectReference
}

// peekCall reads the method element (the first child of Body) and its
// _this without decoding the arguments.
func peekCall(body []byte) soapCall {
	var call soapCall
	d := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := d.Token()
		if err != nil {
			return call
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch {
		case !inBody:
			inBody = start.Name.Local == "Body"
		case call.method == "":
			call.method = start.Name.Local
		case start.Name.Local == "_this":
			for _, a := range start.Attr {
				if a.Name.Local == "type" {
					call.this.Type = a.Value
				}
			}
			var value string
			if err := d.DecodeElement(&value, &start); err == nil {
				call.this.Value = strings.TrimSpace(value)
			}
			return call
		default:
			return call
		}
	}
}
