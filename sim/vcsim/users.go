package main

// Users besides the main one (-user name:password[:group,...]). vcsim 0.24.2
// logs in only its configured user; here the simulator is told to accept any
// credentials (simulator.DefaultLogin) and loginChecker, in front of it,
// refuses every Login whose user name and password are not in the table.
// Sessions then carry the real user name, which CloneSession and
// AcquireCloneTicket copy, and privileges.go reads.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// account is one user who may log in.
type account struct {
	password string
	groups   []string
	// restricted accounts get only the privileges permissions grant them;
	// the main user is the administrator and holds every privilege.
	restricted bool
}

// accounts by user name; written before the server starts, read-only after.
var accounts = map[string]account{}

// userFlags collects repeated -user flags.
type userFlags []string

func (u *userFlags) String() string { return strings.Join(*u, ",") }

func (u *userFlags) Set(value string) error {
	parts := strings.SplitN(value, ":", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return fmt.Errorf("want name:password[:group,...], got %q", value)
	}
	*u = append(*u, value)
	return nil
}

// installUsers records the main user and the extra ones, and makes the
// simulator accept any credentials: loginChecker checks them instead.
func installUsers(service *simulator.Service, mainUser, mainPassword string, extra userFlags) error {
	accounts[mainUser] = account{password: mainPassword}
	for _, value := range extra {
		parts := strings.SplitN(value, ":", 3)
		if _, taken := accounts[parts[0]]; taken {
			return fmt.Errorf("-user %s: that user is already defined", parts[0])
		}
		a := account{password: parts[1], restricted: true}
		if len(parts) == 3 && parts[2] != "" {
			a.groups = strings.Split(parts[2], ",")
		}
		accounts[parts[0]] = a
	}
	// A copy: the server's URL shares the original and keeps the main user.
	listen := *service.Listen
	listen.User = simulator.DefaultLogin
	service.Listen = &listen
	return nil
}

// loginRequest is the part of a Login call the check needs.
type loginRequest struct {
	XMLName  xml.Name
	UserName string `xml:"userName"`
	Password string `xml:"password"`
}

// refuseLogin answers a Login call for an account we do not know (or with the wrong password) with
// InvalidLogin, and says whether it did; the simulator itself accepts any credentials.
func refuseLogin(w http.ResponseWriter, body []byte) bool {
	login, ok := parseLogin(body)
	if !ok {
		return false
	}
	a, known := accounts[login.UserName]
	if known && a.password == login.Password {
		return false
	}
	writeFault(w, "Login failure", &types.InvalidLogin{})
	return true
}

// parseLogin decodes the body's first element when it is a Login call.
func parseLogin(body []byte) (loginRequest, bool) {
	var login loginRequest
	d := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := d.Token()
		if err != nil {
			return login, false
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !inBody {
			inBody = start.Name.Local == "Body"
			continue
		}
		if start.Name.Local != "Login" {
			return login, false
		}
		return login, d.DecodeElement(&login, &start) == nil
	}
}
