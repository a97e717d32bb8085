package main

// The TLS certificate and the state file that tells clients where and how to
// connect.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

type certificate struct {
	der []byte
	tls tls.Certificate
}

// newCertificate makes a self-signed certificate for the loopback address.
// ECDSA keeps start-up fast; a fresh certificate per run means thumbprint
// pinning is really exercised by clients.
func newCertificate() (*certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating a key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "127.0.0.1", Organization: []string{"vic-plugin simulator"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("signing the certificate: %w", err)
	}
	return &certificate{der: der, tls: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}}, nil
}

func (c *certificate) tlsConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.tls}}
}

// thumbprint renders a digest the way vSphere shows thumbprints: AA:BB:...
func thumbprint(sum []byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

type state struct {
	URL              string `json:"url"`
	Host             string `json:"host"`
	Port             int    `json:"port"`
	Username         string `json:"username"`
	Password         string `json:"password"`
	ThumbprintSHA1   string `json:"thumbprint_sha1"`
	ThumbprintSHA256 string `json:"thumbprint_sha256"`
	ControlURL       string `json:"control_url"`
	PID              int    `json:"pid"`
}

func newState(u *url.URL, username, password string, cert *certificate) state {
	port, _ := strconv.Atoi(u.Port())
	s1 := sha1.Sum(cert.der)
	s256 := sha256.Sum256(cert.der)
	base := url.URL{Scheme: "https", Host: u.Host}
	return state{
		URL:              base.String() + "/sdk",
		Host:             u.Hostname(),
		Port:             port,
		Username:         username,
		Password:         password,
		ThumbprintSHA1:   thumbprint(s1[:]),
		ThumbprintSHA256: thumbprint(s256[:]),
		ControlURL:       base.String() + controlPrefix[:len(controlPrefix)-1],
		PID:              os.Getpid(),
	}
}

// write replaces path atomically so a reader never sees half a file.
func (s state) write(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("writing the state file: %w", err)
	}
	return os.Rename(tmp, path)
}
