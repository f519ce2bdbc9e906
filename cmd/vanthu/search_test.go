package main

import (
	"flag"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine/search"
)

func TestSearchFlagsBecomeFilters(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	var f searchFilters
	for name, v := range map[string]*string{"type": &f.Type, "number": &f.Number, "from": &f.From, "to": &f.To,
		"agency": &f.Agency, "signer": &f.Signer, "record": &f.Record} {
		fs.StringVar(v, name, "", "")
	}
	asJSON := fs.Bool("json", false, "")
	words, err := parseSearchArgs(fs, []string{"--type", "QĐ", "quyết", "--signer", `Nguyễn "Văn" Chiến`, "định",
		"--number", "15/QĐ-UBND", "--from", "2025-03", "--to", "15/06/2025", "--agency", "Sở Tài chính", "--record", "01.KH", "--json"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(words, []string{"quyết", "định"}) || !*asJSON {
		t.Fatalf("words %q, json %v: flags after the words were not read", words, *asJSON)
	}
	query, err := f.query(append(words, "type:CV"))
	if err != nil {
		t.Fatal(err)
	}
	q := search.ParseQuery(query)
	want := search.Query{Words: []string{"quyet", "dinh"}, Type: "qd", Number: "15/qd-ubnd", Agency: "so tai chinh",
		Signer: "nguyen van chien", Record: "01.kh", From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("query %q parses as\n%+v\nwant\n%+v", query, q, want)
	}

	for _, bad := range []searchFilters{{From: "March"}, {To: "2025-13"}} {
		if _, err := bad.query(nil); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if query, err := (searchFilters{}).query(nil); err != nil || query != "" {
		t.Errorf("no words and no filters: %q, %v", query, err)
	}
}
