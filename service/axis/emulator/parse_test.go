package emulator

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/service/axis"
)

func TestParseSystems(t *testing.T) {
	good := `{"systems":[{"id":"vanthu-demo","secret":"12345678","agencies":[{"code":"000.00.00.H23","name":"UBND tỉnh Hòa Bình"}]},
		{"id":"vanthu-peer","secret":"abcdefgh","agencies":[{"code":"000.00.00.G07","name":"Bộ Tư pháp"}]}]}`
	cfg, err := ParseSystems(strings.NewReader(good))
	if err != nil || len(cfg.Systems) != 2 || cfg.Systems[1].Agencies[0].Code != "000.00.00.G07" {
		t.Fatalf("ParseSystems = %+v, %v", cfg, err)
	}
	bad := map[string]string{
		"empty":            ``,
		"no systems":       `{"systems":[]}`,
		"unknown field":    `{"systems":[{"id":"a","secret":"12345678","colour":"red"}]}`,
		"short secret":     `{"systems":[{"id":"a","secret":"1234"}]}`,
		"system twice":     `{"systems":[{"id":"a","secret":"12345678"},{"id":"a","secret":"12345678"}]}`,
		"agency twice":     `{"systems":[{"id":"a","secret":"12345678","agencies":[{"code":"X1","name":"x"}]},{"id":"b","secret":"12345678","agencies":[{"code":"X1","name":"y"}]}]}`,
		"agency no name":   `{"systems":[{"id":"a","secret":"12345678","agencies":[{"code":"X1"}]}]}`,
		"code with space":  `{"systems":[{"id":"a","secret":"12345678","agencies":[{"code":"X 1","name":"x"}]}]}`,
		"two values":       `{"systems":[{"id":"a","secret":"12345678"}]} {}`,
		"negative maximum": `{"systems":[{"id":"a","secret":"12345678"}],"max_body":-1}`,
	}
	for name, in := range bad {
		if _, err := ParseSystems(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.HasPrefix(err.Error(), "systems file: ") {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}

func TestStartsLikeXML(t *testing.T) {
	for in, want := range map[string]bool{
		"<?xml version='1.0'?><a/>": true, "\ufeff  \n<edXML:edXMLEnvelope/>": true, "<!-- c --><a/>": true,
		"": false, "<": false, "%PDF-1.7": false, "< a": false, "PK\x03\x04": false, "   ": false,
	} {
		if got := startsLikeXML(bufio.NewReader(strings.NewReader(in))); got != want {
			t.Errorf("startsLikeXML(%q) = %v", in, got)
		}
	}
}

func FuzzParseSystems(f *testing.F) {
	f.Add(`{"systems":[{"id":"a","secret":"12345678","agencies":[{"code":"X1","name":"x","parent_code":"X"}]}],"max_body":10}`)
	f.Add(`{"systems":null}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, in string) {
		cfg, err := ParseSystems(strings.NewReader(in))
		if err != nil {
			return
		}
		if cfg.Validate() != nil || len(cfg.Systems) == 0 {
			t.Fatalf("accepted an invalid configuration %+v", cfg)
		}
		for _, s := range cfg.Systems {
			for _, a := range s.Agencies {
				if axis.CheckCode(a.Code) != nil || a.Name == "" {
					t.Fatalf("accepted agency %+v", a)
				}
			}
		}
	})
}

func FuzzDecodeAgency(f *testing.F) {
	f.Add(`{"code":"000.00.00.G12","name":"Bộ Tài chính","email":"a@b"}`)
	f.Add(`{"code":"","name":"x"}`)
	f.Add(`{"code":"a/b","name":"x"}`)
	f.Fuzz(func(t *testing.T, in string) {
		a, err := decodeAgency(strings.NewReader(in))
		if err != nil {
			return
		}
		if axis.CheckCode(a.Code) != nil || strings.ContainsAny(a.Code, "/?#% ") || a.Name == "" {
			t.Fatalf("accepted %+v", a)
		}
	})
}

func FuzzDecodeState(f *testing.F) {
	f.Add(`{"state":"done"}`)
	f.Add(`{"state":"fail","reason":"thiếu chữ ký"}`)
	f.Add(`{"state":"pending"}`)
	f.Fuzz(func(t *testing.T, in string) {
		s, reason, err := decodeState(strings.NewReader(in))
		if err == nil && (!axis.ValidState(s) || len(reason) > 2000) {
			t.Fatalf("accepted state %q reason %d bytes", s, len(reason))
		}
	})
}

func FuzzParseSend(f *testing.F) {
	f.Add("type=edoc&from=000.00.00.H23&to=000.00.00.G07&to=H23.11", "doc-1")
	f.Add("type=status&from=A&to=A", "")
	f.Add("type=edoc&type=status&from=A&to=B", "k")
	f.Add("type=edoc&from=A&to=B&to=B", "k")
	f.Fuzz(func(t *testing.T, query, key string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		req, err := parseSend(q, key)
		if err != nil {
			return
		}
		if !axis.ValidType(req.typ) || axis.CheckCode(req.from) != nil || len(req.to) == 0 || len(req.key) > 200 {
			t.Fatalf("accepted %+v", req)
		}
		seen := map[string]bool{}
		for _, to := range req.to {
			if axis.CheckCode(to) != nil || seen[to] {
				t.Fatalf("accepted recipients %v", req.to)
			}
			seen[to] = true
		}
	})
}

// TestStorageOutageIs503: when the index cannot be used, callers are told to come back
// (503 with Retry-After), never a 500.
func TestStorageOutageIs503(t *testing.T) {
	cfg := Config{Systems: []System{{ID: "a", Secret: "12345678", Agencies: []axis.Agency{{Code: "A1", Name: "a"}}}}}
	emu, err := New(t.Context(), t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	emu.Close()
	for _, r := range []*http.Request{httptest.NewRequest("GET", "/v1/received", nil), httptest.NewRequest("GET", "/v1/agencies", nil),
		httptest.NewRequest("POST", "/v1/packages?type=edoc&from=A1&to=A1", strings.NewReader("<a/>"))} {
		r.Header.Set(axis.HeaderSystem, "a")
		r.Header.Set(axis.HeaderSecret, "12345678")
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, r)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" ||
			!strings.Contains(rec.Body.String(), axis.ProblemBase+axis.KindUnavailable) {
			t.Errorf("%s %s with the index closed: %d %s", r.Method, r.URL, rec.Code, rec.Body)
		}
	}
}
