package signer

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// LoadTrust reads trust anchors from files and directories: PEM files with one or more
// certificates, or DER certificates (.cer, .crt, .der). It fails on a file it cannot read
// as a certificate, so that a typo never silently trusts nothing.
func LoadTrust(paths ...string) (*x509.CertPool, []*x509.Certificate, error) {
	pool := x509.NewCertPool()
	var certs []*x509.Certificate
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			if d.Name() != filepath.Base(p) && !trustFile(d.Name()) {
				return nil // inside a directory only certificate files count
			}
			found, err := readCertificates(path)
			if err != nil {
				return err
			}
			for _, c := range found {
				pool.AddCert(c)
			}
			certs = append(certs, found...)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("trust anchors: %w", err)
		}
	}
	return pool, certs, nil
}

func trustFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pem", ".crt", ".cer", ".der":
		return true
	}
	return false
}

func readCertificates(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		c, err := x509.ParseCertificate(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, errors.New("no certificate in it (PEM or DER)"))
		}
		certs = append(certs, c)
	}
	return certs, nil
}
