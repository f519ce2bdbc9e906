package web

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// Trust anchors (chứng thư số gốc tin cậy): a province's administrator adds the CA
// certificates signature validation trusts besides the installation's files — the
// national root CA of Vietnam, a ministry's CA — lists and removes them. Every node
// validates with the new set at once (engine.TrustPool).

// maxCertificateUpload bounds an uploaded certificate; a CA certificate is a few KB.
const maxCertificateUpload = 256 << 10

type trustView struct {
	Anchors []anchorRow
	Files   []anchorRow // the installation's files: shown, not editable here
	Total   int
	NextURL string
	Pasted  string // what the user pasted, shown again when it was refused
}

// anchorRow is a trust anchor as a person reads it.
type anchorRow struct {
	ID          string
	Subject     string
	Fingerprint string // SHA-256, hex in pairs
	NotAfter    time.Time
	Expiry      string // "", "soon" or "expired"
	AddedAt     time.Time
}

// trustRoots are the anchors to validate with now: the database's with the files' when
// the trust pool is set; on a database error, the last pool known, the error logged.
func (u *UI) trustRoots(ctx context.Context) *x509.CertPool {
	if u.deps.Trust == nil {
		return u.deps.TrustRoots
	}
	pool, err := u.deps.Trust.Roots(ctx)
	if err != nil {
		u.deps.Logger.WarnContext(ctx, "web: trust anchors not refreshed", "error", err)
	}
	return pool
}

// adminTrust lists the trust anchors, a page at a time, with the form to add one.
func (u *UI) adminTrust(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := u.trustView(r, s)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, s, "admin_trust", "trust.title", v)
}

func (u *UI) trustView(r *http.Request, s *session) (trustView, error) {
	page, err := u.deps.Engine.ListTrustAnchors(r.Context(), s.Actor, r.URL.Query().Get("after"), 50)
	if err != nil {
		return trustView{}, err
	}
	v := trustView{Total: page.Total}
	if page.Next != "" {
		v.NextURL = "/admin/trust?" + url.Values{"after": {page.Next}}.Encode()
	}
	now := time.Now()
	for _, a := range page.Anchors {
		v.Anchors = append(v.Anchors, anchorRow{ID: a.ID, Subject: a.Subject, Fingerprint: fingerprint(a.SHA256),
			NotAfter: a.NotAfter, Expiry: expiry(a.NotAfter, now), AddedAt: a.AddedAt})
	}
	if u.deps.Trust != nil {
		for _, c := range u.deps.Trust.Files() {
			sum := sha256.Sum256(c.Raw)
			v.Files = append(v.Files, anchorRow{Subject: c.Subject.String(), Fingerprint: fingerprint(hex.EncodeToString(sum[:])),
				NotAfter: c.NotAfter, Expiry: expiry(c.NotAfter, now)})
		}
	}
	return v, nil
}

// adminTrustAdd adds an uploaded (PEM or DER) or pasted (PEM) CA certificate.
func (u *UI) adminTrustAdd(w http.ResponseWriter, r *http.Request, s *session) {
	r.Body = http.MaxBytesReader(w, r.Body, maxCertificateUpload+64<<10)
	data, err := certificateUpload(r)
	if err == nil {
		_, err = u.deps.Engine.AddTrustAnchor(r.Context(), s.Actor, data)
		err = trustError(err)
	}
	if err != nil {
		if errors.Is(err, engine.ErrForbidden) {
			u.fail(w, r, s, err)
			return
		}
		v, verr := u.trustView(r, s)
		if verr != nil {
			u.fail(w, r, s, verr)
			return
		}
		v.Pasted = r.FormValue("pem")
		u.formError(w, r, s, "admin_trust", "trust.title", v, err)
		return
	}
	redirectDone(w, r, "/admin/trust", "trust_added")
}

// trustError says in the reader's words why a certificate was refused.
func trustError(err error) error {
	for why, key := range map[error]string{engine.ErrNotCertificate: "trust.err.notcert", engine.ErrSeveralCertificates: "trust.err.several",
		engine.ErrNotCA: "trust.err.notca", engine.ErrCertificateExpired: "trust.err.expired"} {
		if errors.Is(err, why) {
			return badInput(key)
		}
	}
	if errors.Is(err, engine.ErrConflict) {
		return &userError{status: http.StatusConflict, key: "trust.err.duplicate"}
	}
	return err
}

// certificateUpload is the certificate of the form: the file if one was chosen, else
// the pasted PEM.
func certificateUpload(r *http.Request) ([]byte, error) {
	f, _, err := r.FormFile("certificate")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &userError{status: http.StatusRequestEntityTooLarge, key: "trust.err.toolarge"}
	case err == nil:
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxCertificateUpload+1))
		if err != nil || len(data) > maxCertificateUpload {
			return nil, &userError{status: http.StatusRequestEntityTooLarge, key: "trust.err.toolarge"}
		}
		if len(data) > 0 {
			return data, nil
		}
	}
	if pasted := strings.TrimSpace(r.FormValue("pem")); pasted != "" {
		return []byte(pasted), nil
	}
	return nil, badInput("trust.err.nofile")
}

// adminTrustRemove stops trusting an anchor.
func (u *UI) adminTrustRemove(w http.ResponseWriter, r *http.Request, s *session) {
	if err := u.deps.Engine.RemoveTrustAnchor(r.Context(), s.Actor, r.PathValue("id")); err != nil {
		u.fail(w, r, s, err)
		return
	}
	redirectDone(w, r, "/admin/trust", "trust_removed")
}

// fingerprint writes a hex digest in colon-separated pairs, as certificate viewers do.
func fingerprint(h string) string {
	h = strings.ToUpper(h)
	var b strings.Builder
	for i := 0; i+1 < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// expiryWarning is how long before a certificate ends the screens warn about it.
const expiryWarning = 30 * 24 * time.Hour

// expiry says "expired", "soon" (within expiryWarning) or "" for a certificate ending at notAfter.
func expiry(notAfter, now time.Time) string {
	switch {
	case notAfter.IsZero():
		return ""
	case now.After(notAfter):
		return "expired"
	case notAfter.Sub(now) < expiryWarning:
		return "soon"
	}
	return ""
}

// ManagesTrust tells whether the actor is an administrator of a province, who manages
// the trust anchors (the engine checks it again on every change).
func (s *session) ManagesTrust() bool {
	a, ok := s.agency(s.Actor.AgencyID)
	return ok && s.Actor.Role == engine.RoleAdmin && a.ParentID == ""
}
