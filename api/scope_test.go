package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/api/auth"
	"github.com/vanthu/vanthu/api/httpx"
)

// Every route the server registers — API, web UI, events, auth — asked with an API token
// of each scope: a token reaches a route only when the route declares a need the token's
// scopes allow; a route that declares none (web pages, token management) takes no token.
func TestEveryRouteChecksTheTokensScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	admin, err := b.store.UserGetByUsername(ctx, "quantri.tinh")
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, scope := range auth.Scopes {
		nt, err := b.srv.auth.CreateToken(ctx, admin.ID, "kiểm thử "+scope, []string{scope}, 0)
		if err != nil {
			t.Fatal(err)
		}
		tokens[scope] = nt.Secret
	}
	if len(b.srv.mux.patterns) < 100 {
		t.Fatalf("only %d routes recorded: the recorder misses registrations", len(b.srv.mux.patterns))
	}
	const id = "00000000-0000-4000-8000-000000000000"
	for _, pattern := range b.srv.mux.patterns {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			method, path = http.MethodGet, pattern
		}
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, "{") {
				path = strings.Replace(path, seg, id, 1)
			}
		}
		need, declared := b.srv.needs[pattern]
		for scope, secret := range tokens {
			req, err := http.NewRequest(method, b.http.URL+path, strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "application/json")
			resp, err := noRedirects.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var problem struct{ Type string }
			_ = json.NewDecoder(resp.Body).Decode(&problem)
			resp.Body.Close()
			refused := resp.StatusCode == http.StatusForbidden && strings.HasSuffix(problem.Type, httpx.KindInsufficientScope)
			mayReach := declared && (need == auth.NeedPublic || need == auth.NeedAnyToken ||
				auth.Principal{TokenID: "t", UserID: admin.ID, Scopes: []string{scope}}.Allows(need))
			switch {
			case resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable:
				t.Errorf("%s with a %s token: %d", pattern, scope, resp.StatusCode)
			case mayReach && refused:
				t.Errorf("%s (needs %q) refused a %s token", pattern, need, scope)
			case !mayReach && !refused:
				t.Errorf("%s (needs %q, declared %v) let a %s token through: %d", pattern, need, declared, scope, resp.StatusCode)
			}
		}
	}
	t.Logf("%d routes × %d scopes checked", len(b.srv.mux.patterns), len(tokens))
}
