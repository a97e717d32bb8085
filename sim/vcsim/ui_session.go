package main

// The vSphere Client's clone-ticket endpoint, which remote plug-in servers
// call to act as the user: POST /api/ui/vcenter/session/clone-ticket with
// header vmware-api-session-id and a JSON body {"vc_guid": <instance uuid of
// the vCenter the ticket is for>}. Here the client session token is the
// user's SOAP session cookie (that is what the client stand-in in sim/client
// hands its views), and the ticket comes from SessionManager.AcquireCloneTicket
// called in that session.
//
// Answers, as VMware's "Response Codes to clone-ticket Request" list them:
// 201 {"session_clone_ticket": ...}; 401 the request is not properly
// authenticated; 404 no vCenter has the given uuid (this simulator is a
// vCenter in no linked group: only its own uuid is known). A body without a
// vc_guid string is 400: VMware lists no code for it, and vsphere-ui cannot
// tell which vCenter the ticket is for. 403 (the plug-in is not registered
// with that vCenter) is not played: the token does not say which plug-in asks.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
)

const cloneTicketPath = "/api/ui/vcenter/session/clone-ticket"

// A clone-ticket request body is a few dozen bytes.
const maxCloneTicketBody = 4096

const acquireCloneTicketEnvelope = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:vim25="urn:vim25">
<soapenv:Body><vim25:AcquireCloneTicket><vim25:_this type="SessionManager">SessionManager</vim25:_this>
</vim25:AcquireCloneTicket></soapenv:Body></soapenv:Envelope>`

var returnval = regexp.MustCompile(`<returnval>([^<]+)</returnval>`)

func instanceUUID() string {
	applyAbout()
	return simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content.About.InstanceUuid
}

// requestedGUID is the body's vc_guid, or "" when the body is not a JSON
// object with a non-empty vc_guid string.
func requestedGUID(r *http.Request) string {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxCloneTicketBody))
	if err != nil {
		return ""
	}
	var body struct {
		VcGUID *string `json:"vc_guid"`
	}
	if json.Unmarshal(data, &body) != nil || body.VcGUID == nil {
		return ""
	}
	return strings.TrimSpace(*body.VcGUID)
}

func serveCloneTicket(next http.Handler, w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
		return
	}
	token := r.Header.Get("vmware-api-session-id")
	if token == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "header vmware-api-session-id is missing"})
		return
	}
	guid := requestedGUID(r)
	if guid == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"error": `send {"vc_guid": "<instance uuid of the vCenter>"} as the JSON body`})
		return
	}
	if !strings.EqualFold(guid, instanceUUID()) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "there is no vCenter Server instance identified by " + guid})
		return
	}
	req := httptest.NewRequest(http.MethodPost, "/sdk", strings.NewReader(acquireCloneTicketEnvelope))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", "urn:vim25/7.0")
	req.AddCookie(&http.Cookie{Name: "vmware_soap_session", Value: token})
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, req)
	match := returnval.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || match == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "the session is not valid or has expired"})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"session_clone_ticket": match[1]})
}
