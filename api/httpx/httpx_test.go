package httpx_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// problemOf reads the problem a handler wrote, checking its headers.
func problemOf(t *testing.T, rec *httptest.ResponseRecorder) httpx.Problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q", ct)
	}
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatal("no nosniff")
	}
	var p httpx.Problem
	if err := json.NewDecoder(rec.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if p.Status != rec.Code {
		t.Fatalf("status %d in a %d answer", p.Status, rec.Code)
	}
	return p
}

func TestDecode(t *testing.T) {
	t.Parallel()
	type in struct {
		Name string `json:"name"`
	}
	decode := func(body, contentType string) (*httptest.ResponseRecorder, in, bool) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		var v in
		ok := httpx.Decode(rec, r, &v)
		return rec, v, ok
	}

	t.Run("ReadsJSONAndAnEmptyBody", func(t *testing.T) {
		t.Parallel()
		if _, v, ok := decode(`{"name":"Sở Nội vụ"}`, "application/json; charset=utf-8"); !ok || v.Name != "Sở Nội vụ" {
			t.Fatalf("%v %+v", ok, v)
		}
		if _, v, ok := decode("", ""); !ok || v.Name != "" {
			t.Fatalf("empty body: %v %+v", ok, v)
		}
	})
	t.Run("RefusesUnknownFieldsAndBadJSON", func(t *testing.T) {
		t.Parallel()
		for _, body := range []string{`{"nmae":"x"}`, `{"name":`} {
			rec, _, ok := decode(body, "application/json")
			if p := problemOf(t, rec); ok || rec.Code != http.StatusBadRequest || p.Type != httpx.ProblemBase+httpx.KindBadRequest {
				t.Fatalf("%s: %v %d %+v", body, ok, rec.Code, p)
			}
		}
	})
	t.Run("RefusesOtherMediaTypes", func(t *testing.T) {
		t.Parallel()
		rec, _, ok := decode(`{"name":"x"}`, "text/plain")
		if p := problemOf(t, rec); ok || p.Type != httpx.ProblemBase+httpx.KindUnsupportedMedia {
			t.Fatalf("%v %+v", ok, p)
		}
	})
	t.Run("RefusesTooLargeABody", func(t *testing.T) {
		t.Parallel()
		rec, _, ok := decode(`{"name":"`+strings.Repeat("x", httpx.MaxJSONBody)+`"}`, "")
		if p := problemOf(t, rec); ok || rec.Code != http.StatusRequestEntityTooLarge || p.Type != httpx.ProblemBase+httpx.KindTooLarge {
			t.Fatalf("%v %+v", ok, p)
		}
	})
}

func TestEngineError(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err    error
		status int
		kind   string
	}{
		{fmt.Errorf("register: %w", &engine.ValidationError{Field: "subject", Message: "required"}), 422, httpx.KindInvalid},
		{fmt.Errorf("get: %w", engine.ErrNotFound), 404, httpx.KindNotFound},
		{&engine.TransitionError{Reason: engine.ReasonNotYourAgency}, 404, httpx.KindNotFound},
		{&engine.TransitionError{Reason: engine.ReasonWrongState, Detail: "already issued"}, 409, httpx.KindConflict},
		{engine.ErrForbidden, 403, httpx.KindForbidden},
		{engine.ErrConflict, 409, httpx.KindConflict},
		{errors.New("disk on fire"), 500, httpx.KindInternal},
		{fmt.Errorf("issue: %w: dial tcp 127.0.0.1:5432: connect: connection refused", engine.ErrUnavailable), 503, httpx.KindUnavailable},
		{fmt.Errorf("store upload: %w: %w", blob.ErrUnavailable, syscall.ENOSPC), 503, httpx.KindUnavailable},
		{fmt.Errorf("store upload: write: %w", syscall.EROFS), 503, httpx.KindUnavailable},
	} {
		rec := httptest.NewRecorder()
		httpx.EngineError(rec, httptest.NewRequest("GET", "/", nil), discard, c.err)
		p := problemOf(t, rec)
		if rec.Code != c.status || p.Type != httpx.ProblemBase+c.kind || strings.Contains(p.Detail, "fire") {
			t.Errorf("%v: %d %+v", c.err, rec.Code, p)
		}
		if retry := rec.Header().Get("Retry-After"); (c.status == 503) != (retry != "") {
			t.Errorf("%v: Retry-After %q", c.err, retry)
		}
		if c.kind == httpx.KindInvalid && (len(p.Errors) != 1 || p.Errors[0].Field != "subject") {
			t.Errorf("field errors: %+v", p.Errors)
		}
	}
}

// memberships is a user's roles: two in the province, one in a commune.
type memberships struct{ failed bool }

func (m memberships) MembershipListByUser(context.Context, string) ([]engine.Membership, error) {
	if m.failed {
		return nil, errors.New("database down")
	}
	return []engine.Membership{
		{UserID: "u1", AgencyID: "a-tinh", Role: engine.RoleClerk},
		{UserID: "u1", AgencyID: "a-tinh", UnitID: "phong-1", Role: engine.RoleClerk},
		{UserID: "u1", AgencyID: "a-tinh", Role: engine.RoleArchivist},
		{UserID: "u1", AgencyID: "a-xa", Role: engine.RoleLeader},
	}, nil
}

func (memberships) AgencyGetByCode(_ context.Context, code string) (engine.Agency, error) {
	if code == "H23" {
		return engine.Agency{ID: "a-tinh", Code: code}, nil
	}
	return engine.Agency{}, engine.ErrNotFound
}

func TestActorFrom(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		name, agency string
		role         engine.Role
		want         engine.Actor
		kind         string
	}{
		{"AgencyByCodeAndRole", "H23", engine.RoleArchivist, engine.Actor{UserID: "u1", AgencyID: "a-tinh", Role: engine.RoleArchivist}, ""},
		{"AgencyByIDAndARoleHeldTwice", "a-tinh", engine.RoleClerk, engine.Actor{UserID: "u1", AgencyID: "a-tinh", Role: engine.RoleClerk}, ""},
		{"TheOnlyRoleInAnAgency", "a-xa", "", engine.Actor{UserID: "u1", AgencyID: "a-xa", Role: engine.RoleLeader}, ""},
		{"SeveralRolesNeedNaming", "", "", engine.Actor{}, httpx.KindActingAsRequired},
		{"ARoleNotHeld", "H23", engine.RoleLeader, engine.Actor{}, httpx.KindForbidden},
		{"AnUnknownAgency", "H99", "", engine.Actor{}, httpx.KindForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a, err := httpx.ActorFrom(ctx, memberships{}, "u1", c.agency, c.role)
			var ae *httpx.ActingError
			switch {
			case c.kind == "" && (err != nil || a != c.want):
				t.Fatalf("%+v %v, want %+v", a, err, c.want)
			case c.kind != "" && (!errors.As(err, &ae) || ae.Problem.Type != httpx.ProblemBase+c.kind):
				t.Fatalf("%+v %v, want %s", a, err, c.kind)
			}
		})
	}

	t.Run("AStoreFaultIsAnInternalError", func(t *testing.T) {
		t.Parallel()
		rec := httptest.NewRecorder()
		if _, ok := httpx.Actor(rec, httptest.NewRequest("GET", "/", nil), discard, memberships{failed: true}, "u1"); ok ||
			problemOf(t, rec).Type != httpx.ProblemBase+httpx.KindInternal {
			t.Fatalf("%v %d", ok, rec.Code)
		}
	})
	t.Run("TheHeadersNameTheRole", func(t *testing.T) {
		t.Parallel()
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set(httpx.HeaderAgency, "H23")
		r.Header.Set(httpx.HeaderRole, "archivist")
		if a, ok := httpx.Actor(httptest.NewRecorder(), r, discard, memberships{}, "u1"); !ok || a.Role != engine.RoleArchivist {
			t.Fatalf("%v %+v", ok, a)
		}
	})
}
