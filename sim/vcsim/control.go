package main

// The control endpoint (/_sim/, loopback clients only) and the SOAP answers
// for injected faults.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
	vimxml "github.com/vmware/govmomi/vim25/xml"
)

const controlPrefix = "/_sim/"

func serveControl(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(r) {
		http.Error(w, "the control endpoint answers loopback clients only", http.StatusForbidden)
		return
	}
	switch strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, controlPrefix), "/") {
	case "":
		writeJSON(w, http.StatusOK, map[string]interface{}{"endpoints": []string{controlPrefix + "faults", controlPrefix + "license"}})
	case "faults":
		serveFaults(w, r)
	case "license":
		serveLicense(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such control endpoint"})
	}
}

func serveFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, rules.list())
	case http.MethodDelete:
		rules.reset()
		writeJSON(w, http.StatusOK, rules.list())
	case http.MethodPost:
		rule := faultRule{Fault: "RuntimeFault", Count: 1}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rule); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad rule: " + err.Error()})
			return
		}
		stored, err := rules.add(rule)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusCreated, stored)
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET, POST or DELETE"})
	}
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeJSON(w http.ResponseWriter, code int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

const envelopeStart = `<?xml version="1.0" encoding="UTF-8"?>` +
	`<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"` +
	` xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"` +
	` xmlns:xsd="http://www.w3.org/2001/XMLSchema"` +
	` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`

const envelopeEnd = `</soapenv:Body></soapenv:Envelope>`

// writeInjected answers a call with the rule's fault: as a SOAP fault, or for
// a *_Task method with task=true as a task that has ended in that fault.
func writeInjected(w http.ResponseWriter, rule faultRule, call soapCall) {
	fault := faultFor(rule, call.this)
	message := rule.Message
	if message == "" {
		message = "injected " + rule.Fault + " on " + rule.Method
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	if rule.Task && strings.HasSuffix(call.method, "_Task") {
		ref := failedTask(call, fault, message)
		w.WriteHeader(http.StatusOK)
		fmt.Fprintf(w, `%s<%sResponse xmlns="urn:vim25"><returnval type="Task">%s</returnval></%sResponse>%s`,
			envelopeStart, call.method, ref.Value, call.method, envelopeEnd)
		return
	}
	writeFault(w, message, fault)
}

// writeFault answers with a SOAP fault carrying fault, as vCenter does.
func writeFault(w http.ResponseWriter, message string, fault types.BaseMethodFault) {
	detail, err := encodeFaultDetail(fault)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var msg bytes.Buffer
	_ = vimxml.EscapeText(&msg, []byte(message))
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, `%s<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>%s</faultstring><detail>%s</detail></soapenv:Fault>%s`,
		envelopeStart, msg.String(), detail, envelopeEnd)
}

// encodeFaultDetail renders <KindFault xsi:type="Kind">…</KindFault>, the form
// vCenter uses and pyvmomi decodes into vim.fault.Kind.
func encodeFaultDetail(fault types.BaseMethodFault) (string, error) {
	kind := reflect.TypeOf(fault).Elem().Name()
	start := vimxml.StartElement{
		Name: vimxml.Name{Local: kind + "Fault"},
		Attr: []vimxml.Attr{
			{Name: vimxml.Name{Local: "xmlns"}, Value: "urn:vim25"},
			{Name: vimxml.Name{Local: "xsi:type"}, Value: kind},
		},
	}
	var out bytes.Buffer
	enc := vimxml.NewEncoder(&out)
	if err := enc.EncodeElement(fault, start); err != nil {
		return "", err
	}
	if err := enc.Flush(); err != nil {
		return "", err
	}
	return out.String(), nil
}

// failedTask creates a task on the called object that has run and failed.
func failedTask(call soapCall, fault types.BaseMethodFault, message string) types.ManagedObjectReference {
	name := strings.TrimSuffix(call.method, "_Task")
	name = strings.ToLower(name[:1]) + name[1:]
	task := simulator.CreateTask(call.this, name, func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		return nil, fault
	})
	task.Run()
	simulator.Map.Update(task, []types.PropertyChange{{
		Name: "info.error",
		Val:  &types.LocalizedMethodFault{Fault: fault, LocalizedMessage: message},
	}})
	return task.Self
}
