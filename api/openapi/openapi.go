// Package openapi builds vanthu's OpenAPI 3.1 document: a hand-written base (info,
// security schemes, shared schemas) plus one operation per registered route, merged with
// the fragments other packages export for their own routes.
package openapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

//go:embed base.json
var base []byte

// baseSchemas are the schemas of the base document, shared by every fragment.
var baseSchemas = func() map[string]any {
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(base, &doc); err != nil {
		panic("openapi: base.json: " + err.Error())
	}
	return doc.Components.Schemas
}()

// Operation describes one route. The server registers its handlers from the same
// values, so the document cannot drift from what is served.
type Operation struct {
	Method, Path string
	Summary      string
	Tag          string
	// Body is the request: a schema name for a JSON body, "pdf" for a PDF upload (raw or
	// multipart "file"), "pdf+Name" for a multipart upload with a JSON "metadata" part
	// of schema Name ("pdf+Name|Other" also takes a JSON body of schema Other instead),
	// "" for none.
	Body string
	// Response is the success body: a schema name, "[]Name" for an array, "pdf" for a
	// file, "" for none (204).
	Response string
	Status   int
	// Query names query parameters (all optional strings or integers as named in
	// components.parameters, e.g. "Cursor", "Limit").
	Query      []string
	IfMatch    bool // needs If-Match (412/428)
	Idempotent bool // honours Idempotency-Key
	Public     bool // no authentication
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\}`)

// Build returns the document as JSON.
func Build(ops []Operation, fragments ...[]byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi base: %w", err)
	}
	paths := map[string]any{}
	doc["paths"] = paths
	for _, op := range ops {
		item, _ := paths[op.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.Path] = item
		}
		m := strings.ToLower(op.Method)
		if _, dup := item[m]; dup {
			return nil, fmt.Errorf("openapi: %s %s twice", op.Method, op.Path)
		}
		item[m] = operation(op)
	}
	for i, f := range fragments {
		if err := merge(doc, f); err != nil {
			return nil, fmt.Errorf("openapi fragment %d: %w", i, err)
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func operation(op Operation) map[string]any {
	o := map[string]any{"summary": op.Summary, "tags": []string{op.Tag},
		"operationId": operationID(op)}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(op.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range op.Query {
		params = append(params, ref("parameters", q))
	}
	if op.IfMatch {
		params = append(params, ref("parameters", "IfMatch"))
	}
	if op.Idempotent {
		params = append(params, ref("parameters", "IdempotencyKey"))
	}
	if !op.Public {
		params = append(params, ref("parameters", "ActingAgency"), ref("parameters", "ActingRole"))
	}
	if params != nil {
		o["parameters"] = params
	}
	if body := requestBody(op.Body); body != nil {
		o["requestBody"] = body
	}
	status := op.Status
	if status == 0 {
		status = 200
	}
	o["responses"] = map[string]any{strconv.Itoa(status): response(op.Response), "default": ref("responses", "Problem")}
	if op.Public {
		o["security"] = []any{}
	}
	return o
}

func operationID(op Operation) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.Method))
	for _, part := range strings.FieldsFunc(op.Path, func(r rune) bool { return r == '/' || r == '-' || r == '.' }) {
		if part == "api" || part == "v1" {
			continue
		}
		if m := pathParam.FindStringSubmatch(part); m != nil {
			part = "By" + m[1]
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func requestBody(body string) map[string]any {
	pdfPart := map[string]any{"type": "string", "contentMediaType": "application/pdf"}
	switch {
	case body == "":
		return nil
	case body == "pdf":
		return map[string]any{"required": true, "content": map[string]any{
			"application/pdf": map[string]any{"schema": pdfPart},
			"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "required": []string{"file"},
				"properties": map[string]any{"file": pdfPart}}},
		}}
	case strings.HasPrefix(body, "pdf+"):
		meta, alternative, _ := strings.Cut(strings.TrimPrefix(body, "pdf+"), "|")
		content := map[string]any{
			"multipart/form-data": map[string]any{
				"schema": map[string]any{"type": "object", "required": []string{"metadata", "file"},
					"properties": map[string]any{"metadata": ref("schemas", meta), "file": pdfPart}},
				"encoding": map[string]any{"metadata": map[string]any{"contentType": "application/json"}},
			},
		}
		if alternative != "" {
			content["application/json"] = map[string]any{"schema": ref("schemas", alternative)}
		}
		return map[string]any{"required": true, "content": content}
	}
	return map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref("schemas", body)}}}
}

func response(resp string) map[string]any {
	switch {
	case resp == "":
		return map[string]any{"description": "Done"}
	case resp == "pdf":
		return map[string]any{"description": "The file", "content": map[string]any{
			"application/pdf": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/pdf"}}}}
	case strings.HasPrefix(resp, "[]"):
		return map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"type": "array", "items": ref("schemas", resp[2:])}}}}
	}
	return map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": ref("schemas", resp)}}}
}

func ref(kind, name string) map[string]any {
	return map[string]any{"$ref": "#/components/" + kind + "/" + name}
}

// merge adds a fragment's paths and component schemas. A route or a schema defined by
// two fragments is an error, so that no package silently overrides another's; a schema
// the base defines (Problem) is shared, and a fragment's copy of it is left out.
func merge(doc map[string]any, fragment []byte) error {
	var f struct {
		Paths      map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(fragment, &f); err != nil {
		return err
	}
	paths := doc["paths"].(map[string]any)
	for _, p := range slices.Sorted(maps.Keys(f.Paths)) {
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		for m, op := range f.Paths[p] {
			if _, dup := item[m]; dup {
				return fmt.Errorf("%s %s defined twice", m, p)
			}
			item[m] = op
		}
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name, s := range f.Components.Schemas {
		if _, shared := baseSchemas[name]; shared {
			continue
		}
		if _, dup := schemas[name]; dup {
			return fmt.Errorf("schema %s defined twice", name)
		}
		schemas[name] = s
	}
	return nil
}
