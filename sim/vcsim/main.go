// Command vcsim is vic-plugin's embedded vCenter: govmomi's simulator (0.24.2)
// with the extension manager, extension tasks, the vic-engine firewall
// ruleset, fault injection and a few fixes that the project's tests need.
//
// It always serves HTTPS with a freshly generated self-signed certificate and
// writes where it listens (and the certificate's thumbprints) to -state.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
)

type options struct {
	listen        string
	username      string
	password      string
	stateFile     string
	exitWithStdin bool
	trace         bool
	model         modelSize
	users         userFlags
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.listen, "listen", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	flag.StringVar(&o.username, "username", "user", "login user name")
	flag.StringVar(&o.password, "password", "pass", "login password")
	flag.StringVar(&o.stateFile, "state", "", "write URL, credentials and certificate thumbprints as JSON to this file once listening")
	flag.BoolVar(&o.exitWithStdin, "exit-with-stdin", false, "exit when standard input reaches end of file (the parent went away)")
	flag.BoolVar(&o.trace, "trace", false, "write SOAP traffic to stderr")
	flag.Var(&o.users, "user", "another user who may log in, name:password[:group,...], with only the privileges permissions grant (repeatable)")
	flag.BoolVar(&o.model.esx, "esx", false, "an ESXi host that no vCenter manages (hostd's model: ha-datacenter, one host, no vCenter-only managers); -dc, -cluster, -host, -standalone-host and -pg do not apply")
	flag.IntVar(&o.model.datacenters, "dc", 1, "number of datacenters")
	flag.IntVar(&o.model.clusters, "cluster", 1, "clusters per datacenter")
	flag.IntVar(&o.model.clusterHosts, "host", 3, "hosts per cluster")
	flag.IntVar(&o.model.standaloneHosts, "standalone-host", 1, "standalone hosts per datacenter")
	flag.IntVar(&o.model.vmsPerHost, "vm", 2, "virtual machines per host")
	flag.IntVar(&o.model.portgroups, "pg", 1, "distributed port groups per datacenter")
	flag.IntVar(&o.model.datastores, "ds", 1, "datastores per datacenter, mounted on all its hosts")
	flag.IntVar(&serverPageSize, "page-size", 0, "most objects in one page of a property-collector answer, whatever maxObjects asks (0: only maxObjects limits), as vCenter's own limit")
	flag.IntVar(&o.model.noVicEngine, "no-vic-engine", 0, "hosts of each cluster or standalone host (the first N by name) without the vic-engine firewall ruleset, as on vSphere 6.5")
	flag.Parse()
	return o
}

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	o := parseFlags()
	if err := run(o); err != nil {
		log.Fatalf("vcsim: %v", err)
	}
}

func run(o options) error {
	if err := o.model.validate(); err != nil {
		return err
	}
	if serverPageSize < 0 {
		return fmt.Errorf("-page-size %d: must be 0 (no limit) or more", serverPageSize)
	}
	simulator.Trace = o.trace

	model := o.model.build()
	if err := model.Create(); err != nil {
		return fmt.Errorf("creating the inventory: %w", err)
	}
	defer model.Remove()

	if err := installExtensions(model, o.model); err != nil {
		return err
	}
	installAuthorizationManager()
	installPagedCollector()

	cert, err := newCertificate()
	if err != nil {
		return err
	}
	model.Service.TLS = cert.tlsConfig()
	// The server URL names the main user; installUsers then hands the
	// password check to loginChecker, which knows the -user accounts too.
	model.Service.Listen = &url.URL{Host: o.listen, User: url.UserPassword(o.username, o.password)}

	server := model.Service.NewServer()
	if err := installUsers(model.Service, o.username, o.password, o.users); err != nil {
		server.Close()
		return err
	}
	// NewServer builds its own mux; put our hooks in front of it before any
	// client can know the port (the state file is written below).
	server.Config.Handler = newHooks(pagingGuard(server.Config.Handler))

	st := newState(server.URL, o.username, o.password, cert)
	if o.stateFile != "" {
		if err := st.write(o.stateFile); err != nil {
			server.Close()
			return err
		}
	}
	fmt.Printf("vcsim listening on %s\n", st.URL)

	waitForExit(o.exitWithStdin)
	closeWithin(server, 3*time.Second)
	return nil
}

// waitForExit blocks until SIGINT/SIGTERM, or stdin closing when asked to.
func waitForExit(watchStdin bool) {
	done := make(chan os.Signal, 1)
	signal.Notify(done, syscall.SIGINT, syscall.SIGTERM)
	if watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			done <- syscall.SIGTERM
		}()
	}
	<-done
}

// closeWithin stops the server but never hangs shutdown on a stuck request
// (a test may have injected a long delay).
func closeWithin(server *simulator.Server, limit time.Duration) {
	closed := make(chan struct{})
	go func() {
		server.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(limit):
	}
}
