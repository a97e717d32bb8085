package main

// The vSphere Client's clone-ticket endpoint, which remote plug-in servers
// call to act as the user: POST /api/ui/vcenter/session/clone-ticket with
// header vmware-api-session-id. Here the client session token is the user's
// SOAP session cookie (that is what the client stand-in in sim/client hands
// its views), and the ticket comes from SessionManager.AcquireCloneTicket
// called in that session.

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
)

const cloneTicketPath = "/api/ui/vcenter/session/clone-ticket"

const acquireCloneTicketEnvelope = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:vim25="urn:vim25">
<soapenv:Body><vim25:AcquireCloneTicket><vim25:_this type="SessionManager">SessionManager</vim25:_this>
</vim25:AcquireCloneTicket></soapenv:Body></soapenv:Envelope>`

var returnval = regexp.MustCompile(`<returnval>([^<]+)</returnval>`)

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
	writeJSON(w, http.StatusOK, map[string]string{"session_clone_ticket": match[1]})
}
