package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/passwordsafe-go/passwordsafe"
)

// The TLS files psrun reads from the environment, as
// passwordsafe.NewClientFromEnv does.
const (
	envCAFile     = passwordsafe.EnvCAFile
	envClientCert = passwordsafe.EnvClientCert
	envClientKey  = passwordsafe.EnvClientKey
)

// pfxHelp says how to turn a PFX (PKCS#12) file into the PEM file -cert
// reads: the Go standard library cannot read PFX, and psrun takes no
// dependency that could.
const pfxHelp = "a PFX (PKCS#12) file must be converted to PEM first: " +
	"openssl pkcs12 -in client.pfx -out client.pem -nodes (it asks for the PFX password; " +
	"then chmod 600 client.pem), and give -cert client.pem"

// tlsConfig builds the TLS settings of -i, -cert, -key, -certpass and the
// environment's PS_CA_FILE (the server's CA), PS_CLIENT_CERT and
// PS_CLIENT_KEY (a client certificate, when -cert is not given). It
// returns nil when there is nothing to set: the SDK's defaults hold.
// Errors name the flag or the variable, never a file's content.
func tlsConfig(o *options, env func(string) string, stderr io.Writer) (*tls.Config, error) {
	ca := strings.TrimSpace(env(envCAFile))
	certName, keyName := "-cert", "-key"
	certFile, keyFile := o.cert, o.key
	if certFile == "" && keyFile == "" {
		certName, keyName = envClientCert, envClientKey
		certFile, keyFile = strings.TrimSpace(env(envClientCert)), strings.TrimSpace(env(envClientKey))
	}
	if ca == "" && certFile == "" && keyFile == "" && !o.insecure {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != "" {
		b, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", envCAFile, unwrapPath(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("%s holds no PEM certificate (want -----BEGIN CERTIFICATE----- blocks)", envCAFile)
		}
		tc.RootCAs = pool
	}
	switch {
	case certFile == "" && keyFile != "":
		return nil, fmt.Errorf("%s without %s: give the certificate too", keyName, certName)
	case certFile != "":
		cert, err := loadClientCert(certName, certFile, keyName, keyFile, o.certPass)
		if err != nil {
			return nil, err
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if o.insecure {
		fmt.Fprintln(stderr, "psrun: warning: -i: the server's TLS certificate is not verified")
		tc.InsecureSkipVerify = true //nolint:gosec // asked for by -i
	}
	return tc, nil
}

// unwrapPath drops the path from a file error: what went wrong is enough.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// loadClientCert reads a client certificate and its key from PEM: both in
// certFile, or the key in keyFile. A key encrypted the legacy PEM way
// (Proc-Type: 4,ENCRYPTED) is decrypted with pass; a PKCS#8-encrypted
// key or a PFX is refused with the openssl command that converts it.
func loadClientCert(certName, certFile, keyName, keyFile, pass string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: %w", certName, unwrapPath(err))
	}
	if !bytes.Contains(certPEM, []byte("-----BEGIN ")) {
		return tls.Certificate{}, fmt.Errorf("%s is not a PEM file: %s", certName, pfxHelp)
	}
	keyPEM, from := certPEM, certName
	if keyFile != "" {
		if keyPEM, err = os.ReadFile(keyFile); err != nil {
			return tls.Certificate{}, fmt.Errorf("%s: %w", keyName, unwrapPath(err))
		}
		from = keyName
	}
	var certs, key []byte
	for rest := certPEM; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			certs = append(certs, pem.EncodeToMemory(b)...)
		}
	}
	for rest := keyPEM; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if k, err := keyBlock(b, from, pass); err != nil || k != nil {
			if err != nil {
				return tls.Certificate{}, err
			}
			key = k
			break
		}
	}
	switch {
	case certs == nil:
		return tls.Certificate{}, fmt.Errorf("%s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", certName)
	case key == nil:
		return tls.Certificate{}, fmt.Errorf("%s holds no PEM private key: add it to the file, or give it with -key", from)
	}
	cert, err := tls.X509KeyPair(certs, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: the certificate and the key do not go together, or one is damaged", certName)
	}
	return cert, nil
}

// keyBlock returns the PEM of a private key block (decrypted), nil for a
// block that is no key.
func keyBlock(b *pem.Block, from, pass string) ([]byte, error) {
	switch {
	case b.Type == "ENCRYPTED PRIVATE KEY":
		return nil, fmt.Errorf("%s: the key is PKCS#8-encrypted, which the Go standard library cannot decrypt: "+
			"openssl pkey -in key.pem -out key-clear.pem (it asks for the password; then chmod 600 key-clear.pem), "+
			"and give -key key-clear.pem", from)
	case !strings.HasSuffix(b.Type, "PRIVATE KEY"):
		return nil, nil
	case !x509.IsEncryptedPEMBlock(b): //lint:ignore SA1019 psrun2's -certpass decrypts legacy PEM keys; nothing else can
		return pem.EncodeToMemory(b), nil
	case pass == "":
		return nil, fmt.Errorf("%s: the key is encrypted: give its password with -certpass", from)
	}
	der, err := x509.DecryptPEMBlock(b, []byte(pass)) //lint:ignore SA1019 as above: the one way to read such a key
	if err != nil {
		return nil, fmt.Errorf("%s: the key does not decrypt with the -certpass given", from)
	}
	return pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: der}), nil
}
