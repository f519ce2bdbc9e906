package openapi

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBuild(t *testing.T) {
	t.Parallel()
	ops := []Operation{{Method: "POST", Path: "/api/v1/documents/{id}/register", Tag: "incoming", Summary: "Đăng ký",
		Response: "Document", IfMatch: true, Idempotent: true}}

	t.Run("MergesAFragmentAndSharesTheBaseProblem", func(t *testing.T) {
		frag := []byte(`{"paths": {"/api/v1/auth/me": {"get": {"responses": {"200": {"description": "ok"}}}}},
			"components": {"schemas": {"Problem": {"type": "string"}, "Me": {"type": "object"}}}}`)
		out, err := Build(ops, frag)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Paths      map[string]map[string]map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]map[string]any `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		reg := doc.Paths["/api/v1/documents/{id}/register"]["post"]
		params, _ := json.Marshal(reg["parameters"])
		if !strings.Contains(string(params), `"name":"id"`) || !strings.Contains(string(params), "IfMatch") || !strings.Contains(string(params), "IdempotencyKey") {
			t.Fatalf("parameters: %s", params)
		}
		if doc.Paths["/api/v1/auth/me"]["get"] == nil || doc.Components.Schemas["Me"] == nil {
			t.Fatal("fragment not merged")
		}
		if doc.Components.Schemas["Problem"]["type"] != "object" {
			t.Fatalf("a fragment replaced the shared Problem: %v", doc.Components.Schemas["Problem"])
		}
	})

	t.Run("RefusesARouteDefinedTwice", func(t *testing.T) {
		frag := []byte(`{"paths": {"/api/v1/documents/{id}/register": {"post": {"responses": {}}}}}`)
		if _, err := Build(ops, frag); err == nil {
			t.Fatal("a fragment overrode a route")
		}
		if _, err := Build(append(ops, ops[0])); err == nil {
			t.Fatal("an operation registered twice")
		}
	})
}
