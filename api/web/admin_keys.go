package web

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer"
)

// Keys and certificates (khóa ký và chứng thư số): an agency's administrator sees the
// agency's seal key and its people's keys with their certificates' subjects in words and
// a warning before they expire, imports a PKCS#12 file, registers a key on a PKCS#11
// token and revokes a key.

// keyImporter is the part of the keyring that registers keys; without it the screen only lists.
type keyImporter interface {
	ImportPKCS12(ctx context.Context, actor engine.Actor, owner keyring.Owner, p12 []byte, pin string, image []byte) (engine.SigningKey, error)
	AddPKCS11(ctx context.Context, actor engine.Actor, owner keyring.Owner, module, token, label string,
		chain []*x509.Certificate, image []byte) (engine.SigningKey, error)
}

// maxKeyUpload bounds a PKCS#12 file and a signature or seal image.
const maxKeyUpload = 1 << 20

type keysView struct {
	Agencies  []treeNode
	Agency    engine.Agency
	Keys      []keyView
	Total     int
	NextURL   string
	Owners    []keyOwner
	CanImport bool
}

type keyView struct {
	Key    engine.SigningKey
	Owner  string
	Expiry string // "", "soon" or "expired"
}

// keyOwner is a choice of the owner select: "agency:ID" or "user:ID".
type keyOwner struct {
	Value, Label string
}

// adminKeys lists a page of the agency's and its people's keys with the forms to add one.
func (u *UI) adminKeys(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := u.keysView(r, s)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, s, "admin_keys", "keys.title", v)
}

func (u *UI) keysView(r *http.Request, s *session) (keysView, error) {
	ctx := r.Context()
	if s.Actor.Role != engine.RoleAdmin {
		return keysView{}, engine.ErrForbidden
	}
	// An admin manages the keys of their agency and of every agency below it.
	agencies, err := u.deps.Store.AgencyListSubtree(ctx, s.Actor.AgencyID)
	if err == nil && len(agencies) == 0 {
		err = engine.ErrNotFound
	}
	if err != nil {
		return keysView{}, err
	}
	v := keysView{Agencies: tree(agencies, s.Actor.AgencyID), Agency: agencies[0]}
	for _, a := range agencies {
		if a.ID == r.FormValue("agency") {
			v.Agency = a
		}
	}
	page, err := u.deps.Engine.ListSigningKeys(ctx, s.Actor, v.Agency.ID, r.URL.Query().Get("after"), 50)
	if err != nil {
		return keysView{}, err
	}
	v.Total = page.Total
	_, v.CanImport = u.deps.Keyring.(keyImporter)
	if page.Next != "" {
		v.NextURL = "/admin/keys?" + url.Values{"agency": {v.Agency.ID}, "after": {page.Next}}.Encode()
	}
	now := time.Now()
	for _, k := range page.Keys {
		kv := keyView{Key: k, Owner: s.AgencyName(k.OwnerID)}
		if k.OwnerKind == engine.KeyOwnerUser {
			if usr, err := u.deps.Store.UserGetByID(ctx, k.OwnerID); err == nil {
				kv.Owner = usr.FullName
			}
		}
		if k.NotAfter != nil && k.RevokedAt == nil {
			kv.Expiry = expiry(*k.NotAfter, now)
		}
		v.Keys = append(v.Keys, kv)
	}
	v.Owners = []keyOwner{{Value: engine.KeyOwnerAgency + ":" + v.Agency.ID, Label: s.T("keys.agencyseal") + " — " + v.Agency.Name}}
	ms, err := u.deps.Store.MembershipListByAgency(ctx, v.Agency.ID)
	if err != nil {
		return keysView{}, err
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.UserID] {
			continue
		}
		seen[m.UserID] = true
		if usr, err := u.deps.Store.UserGetByID(ctx, m.UserID); err == nil {
			v.Owners = append(v.Owners, keyOwner{Value: engine.KeyOwnerUser + ":" + usr.ID, Label: usr.FullName + " — " + s.RoleName(string(m.Role))})
		}
	}
	return v, nil
}

// adminKeyAdd imports a PKCS#12 file (kind=pkcs12) or registers a PKCS#11 key (kind=pkcs11).
func (u *UI) adminKeyAdd(w http.ResponseWriter, r *http.Request, s *session) {
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxKeyUpload+64<<10)
	err := u.addKey(r, s)
	if err == nil {
		redirectDone(w, r, "/admin/keys?"+url.Values{"agency": {r.FormValue("agency")}}.Encode(), "key_added")
		return
	}
	if errors.Is(err, engine.ErrForbidden) {
		u.fail(w, r, s, err)
		return
	}
	v, verr := u.keysView(r, s)
	if verr != nil {
		u.fail(w, r, s, verr)
		return
	}
	u.formError(w, r, s, "admin_keys", "keys.title", v, err)
}

func (u *UI) addKey(r *http.Request, s *session) error {
	kr, ok := u.deps.Keyring.(keyImporter)
	if !ok {
		return &userError{status: http.StatusServiceUnavailable, key: "keys.err.nosigner"}
	}
	kind, id, _ := strings.Cut(r.FormValue("owner"), ":")
	if id == "" || (kind != engine.KeyOwnerAgency && kind != engine.KeyOwnerUser) {
		return badInput("keys.err.owner")
	}
	owner := keyring.Owner{Kind: kind, ID: id}
	image, err := formFile(r, "image", false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	switch r.FormValue("kind") {
	case engine.KeyKindPKCS12:
		p12, err := formFile(r, "p12", true)
		if err != nil {
			return err
		}
		if r.FormValue("pin") == "" {
			return badInput("err.pin")
		}
		_, err = kr.ImportPKCS12(ctx, s.Actor, owner, p12, r.FormValue("pin"), image)
		if errors.Is(err, keyring.ErrWrongPIN) {
			return &userError{status: http.StatusUnprocessableEntity, key: "keys.err.pin"}
		}
		return keyError(err)
	case engine.KeyKindPKCS11:
		module, token := strings.TrimSpace(r.FormValue("module")), strings.TrimSpace(r.FormValue("token"))
		if module == "" || token == "" {
			return badInput("keys.err.pkcs11")
		}
		_, err := kr.AddPKCS11(ctx, s.Actor, owner, module, token, strings.TrimSpace(r.FormValue("label")), nil, image)
		return keyError(err)
	}
	return badInput("keys.err.kind")
}

// keyError keeps the keyring's own words (an unreadable file) for the log and says what
// the user can do.
func keyError(err error) error {
	if err != nil && errors.Is(err, engine.ErrInvalid) && !errors.As(err, new(*engine.ValidationError)) {
		return &userError{status: http.StatusUnprocessableEntity, key: "keys.err.p12"}
	}
	return err
}

// formFile reads an uploaded file of at most maxKeyUpload bytes; a missing optional one is nil.
func formFile(r *http.Request, name string, required bool) ([]byte, error) {
	f, _, err := r.FormFile(name)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &userError{status: http.StatusRequestEntityTooLarge, key: "keys.err.toolarge"}
	case err != nil && required:
		return nil, badInput("keys.err.nofile")
	case err != nil:
		return nil, nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyUpload+1))
	if err != nil || len(data) > maxKeyUpload {
		return nil, &userError{status: http.StatusRequestEntityTooLarge, key: "keys.err.toolarge"}
	}
	if len(data) == 0 && required {
		return nil, badInput("keys.err.nofile")
	}
	if len(data) == 0 {
		return nil, nil
	}
	return data, nil
}

// adminKeyRevoke stops a key from being used.
func (u *UI) adminKeyRevoke(w http.ResponseWriter, r *http.Request, s *session) {
	if err := u.deps.Engine.RevokeSigningKey(r.Context(), s.Actor, r.PathValue("id")); err != nil {
		u.fail(w, r, s, err)
		return
	}
	redirectDone(w, r, "/admin/keys?"+url.Values{"agency": {r.FormValue("agency")}}.Encode(), "key_revoked")
}

// dnView is a certificate subject as a person reads it: who, of which organisation, and
// the other attributes with their names in the reader's language.
type dnView struct {
	Name, Organisation string
	Details            []dnDetail
}

type dnDetail struct {
	Label, Value string
}

// DN writes a subject stored as pkix.Name.String() in words: the name and organisation
// first, then the unit, place, tax code or identity number, each labelled.
func (s *session) DN(subject string) dnView {
	fields, err := signer.ParseDN(subject)
	if err != nil {
		return dnView{Name: subject}
	}
	var v dnView
	for _, f := range fields {
		switch {
		case f.Key == "CN" && v.Name == "":
			v.Name = f.Value
		case f.Key == "O" && v.Organisation == "":
			v.Organisation = f.Value
		default:
			label := s.T("dn." + f.Key)
			if strings.HasPrefix(label, "dn.") {
				label = f.Key
			}
			v.Details = append(v.Details, dnDetail{Label: label, Value: f.Value})
		}
	}
	return v
}
