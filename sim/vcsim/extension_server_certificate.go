package main

// ExtensionServerInfo.serverCertificate: the PEM certificate of an
// extension's server (vSphere API 8.0.2), which VMware recommends remote
// plug-ins register along with serverThumbprint. govmomi 0.24.2's types do
// not have the field, so its decoder drops it: this hook reads it from the
// RegisterExtension / UpdateExtension request itself, keeps it per extension
// key and server (in order), and writes it back into FindExtension's answer.
// The property collector's extensionList does not carry it.
//
// The simulator reports about.apiVersion 6.5 (govmomi's default), where no
// client sends the field; VCSIM_API_VERSION in its environment makes it
// report another version, e.g. 8.0.2.0, as a vCenter that accepts it does.
// Every simulator has govmomi's one instance uuid; VCSIM_INSTANCE_UUID gives
// it another, as two vCenters (linked or not) have.

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
)

var (
	serverCertificates     = map[string][]string{} // extension key → serverCertificate of each server entry
	serverCertificatesLock sync.Mutex
	aboutOnce              sync.Once
)

// applyAbout sets what the environment asks of about, before the first call is answered.
func applyAbout() {
	aboutOnce.Do(func() {
		about := &simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content.About
		if v := strings.TrimSpace(os.Getenv("VCSIM_API_VERSION")); v != "" {
			about.ApiVersion = v
		}
		if v := strings.TrimSpace(os.Getenv("VCSIM_INSTANCE_UUID")); v != "" {
			about.InstanceUuid = v
		}
	})
}

// callArguments decodes the body's method element into v.
func callArguments(body []byte, method string, v interface{}) bool {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		if start, ok := tok.(xml.StartElement); ok && start.Name.Local == method {
			return d.DecodeElement(v, &start) == nil
		}
	}
}

type registeredServers struct {
	Key     string `xml:"extension>key"`
	Servers []struct {
		Certificate string `xml:"serverCertificate"`
	} `xml:"extension>server"`
}

type extensionKeyArg struct {
	Key string `xml:"extensionKey"`
}

// passThrough serves the call into a recorder; ok is whether it answered without a fault.
func passThrough(next http.Handler, r *http.Request) (*httptest.ResponseRecorder, bool) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	return rec, rec.Code == http.StatusOK && !bytes.Contains(rec.Body.Bytes(), []byte("Fault>"))
}

func writeRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder, body []byte) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// withCertificates puts each kept certificate as the last child of its server element (its place in the
// schema's sequence) in a FindExtension answer.
func withCertificates(answer []byte, certs []string) []byte {
	var out bytes.Buffer
	rest := answer
	for _, cert := range certs {
		i := bytes.Index(rest, []byte("</server>"))
		if i < 0 {
			break
		}
		out.Write(rest[:i])
		if cert != "" {
			out.WriteString("<serverCertificate>")
			_ = xml.EscapeText(&out, []byte(cert))
			out.WriteString("</serverCertificate>")
		}
		out.WriteString("</server>")
		rest = rest[i+len("</server>"):]
	}
	out.Write(rest)
	return out.Bytes()
}

// serveServerCertificates serves the ExtensionManager calls that involve serverCertificate; false for others.
func serveServerCertificates(next http.Handler, w http.ResponseWriter, r *http.Request, call soapCall, body []byte) bool {
	applyAbout()
	switch call.method {
	case "RegisterExtension", "UpdateExtension":
		var args registeredServers
		if !callArguments(body, call.method, &args) {
			return false
		}
		rec, ok := passThrough(next, r)
		if ok {
			certs := make([]string, len(args.Servers))
			for i, s := range args.Servers {
				certs[i] = strings.TrimSpace(s.Certificate)
			}
			serverCertificatesLock.Lock()
			serverCertificates[args.Key] = certs
			serverCertificatesLock.Unlock()
		}
		writeRecorded(w, rec, rec.Body.Bytes())
		return true
	case "UnregisterExtension", "FindExtension":
		var args extensionKeyArg
		if !callArguments(body, call.method, &args) {
			return false
		}
		rec, ok := passThrough(next, r)
		serverCertificatesLock.Lock()
		certs := serverCertificates[args.Key]
		if ok && call.method == "UnregisterExtension" {
			delete(serverCertificates, args.Key)
			certs = nil
		}
		serverCertificatesLock.Unlock()
		answer := rec.Body.Bytes()
		if ok && call.method == "FindExtension" {
			answer = withCertificates(answer, certs)
		}
		writeRecorded(w, rec, answer)
		return true
	}
	return false
}
