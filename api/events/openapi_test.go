package events_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vanthu/vanthu/api/events"
	"github.com/vanthu/vanthu/api/openapi"
)

func TestOpenAPIFragment(t *testing.T) {
	t.Parallel()
	built, err := openapi.Build(nil, events.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(built)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document with the events fragment is invalid: %v", err)
	}
	mux := http.NewServeMux()
	events.New(events.Config{}).Routes(mux)
	param := regexp.MustCompile(`\{[a-zA-Z_]+\}`)
	documented := 0
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented++
			_, pattern := mux.Handler(httptest.NewRequest(method, param.ReplaceAllString(path, "x1"), nil))
			if pattern != method+" "+path {
				t.Errorf("%s %s is documented but routed to %q", method, path, pattern)
			}
		}
	}
	// Every route Routes registers answers something other than the mux's 404/405.
	for _, probe := range []struct{ method, path string }{
		{"GET", "/api/v1/events/inbox"}, {"POST", "/api/v1/webhooks"}, {"GET", "/api/v1/webhooks"},
		{"DELETE", "/api/v1/webhooks/x1"}, {"GET", "/api/v1/webhooks/x1/deliveries"},
	} {
		_, pattern := mux.Handler(httptest.NewRequest(probe.method, probe.path, nil))
		if pattern == "" {
			t.Errorf("%s %s is not routed", probe.method, probe.path)
		}
	}
	if documented != 5 {
		t.Errorf("the fragment documents %d operations, the service routes 5", documented)
	}
}
