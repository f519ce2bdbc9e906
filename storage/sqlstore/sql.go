package sqlstore

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed queries/*.sql
var queryFiles embed.FS

// namedQueries maps "-- name: X" headers in queries/*.sql to the SQL below them.
var namedQueries = mustParseQueries(queryFiles)

// customPlans are the queries marked "-- plan: custom": their best plan depends on their
// parameters' values, so a driver that caches plans must plan them for each execution.
var customPlans = markedQueries(namedQueries, "-- plan: custom")

// CustomPlan says whether query must be planned for its values at every execution rather
// than run from a cached generic plan.
func CustomPlan(query string) bool { return customPlans[query] }

func markedQueries(queries map[string]string, marker string) map[string]bool {
	out := map[string]bool{}
	for _, q := range queries {
		for _, line := range strings.Split(q, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), marker) {
				out[q] = true
			}
		}
	}
	return out
}

// sqlFor returns a named query; a missing name is a programming error caught by any test,
// since every query is looked up when the package initialises.
func sqlFor(name string) string {
	q, ok := namedQueries[name]
	if !ok {
		panic("sqlstore: no query named " + name)
	}
	return q
}

func mustParseQueries(fsys fs.FS) map[string]string {
	out := map[string]string{}
	paths, err := fs.Glob(fsys, "queries/*.sql")
	if err != nil {
		panic(err)
	}
	for _, p := range paths {
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			panic(err)
		}
		if err := parseQueries(string(body), out); err != nil {
			panic(fmt.Sprintf("sqlstore: %s: %v", p, err))
		}
	}
	return out
}

func parseQueries(text string, into map[string]string) error {
	var name string
	var buf strings.Builder
	flush := func() error {
		if name == "" {
			return nil
		}
		if _, dup := into[name]; dup {
			return fmt.Errorf("query %s defined twice", name)
		}
		into[name] = strings.TrimSpace(buf.String())
		buf.Reset()
		return nil
	}
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			if err := flush(); err != nil {
				return err
			}
			name = strings.TrimSpace(rest)
			continue
		}
		if name != "" {
			buf.WriteString(line)
			buf.WriteByte('\n')
		}
	}
	return flush()
}

// ParameterizedQueries lists the text of every named query that takes arguments, for
// drivers that prepare statements ahead of use.
func ParameterizedQueries() []string {
	var out []string
	for _, q := range namedQueries {
		if strings.Contains(q, "$1") {
			out = append(out, q)
		}
	}
	return out
}
