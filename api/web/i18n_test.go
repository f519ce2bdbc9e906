package web

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/calendar"
)

// TestCatalogueCoversTemplates checks that every message the templates and handlers ask
// for exists in both languages, and every code the engine can show has a label.
func TestCatalogueCoversTemplates(t *testing.T) {
	t.Parallel()
	for key, m := range messages {
		if strings.TrimSpace(m[0]) == "" || strings.TrimSpace(m[1]) == "" {
			t.Errorf("%s lacks a translation: %q", key, m)
		}
	}
	used := map[string]bool{}
	keyInTemplate := regexp.MustCompile(`\bT "([a-z0-9_.]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(path)
		for _, m := range keyInTemplate.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	keyInGo := regexp.MustCompile(`(?:\.T\(|translate\([a-z.]+, |badInput\(|key: |Key\s*=?\s*)"([a-z0-9_]+\.[a-z0-9_.]+)"`)
	goFiles, _ := fs.Glob(os.DirFS("."), "*.go")
	for _, name := range goFiles {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyInGo.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix completed at run time
				used[m[1]] = true
			}
		}
	}
	for _, title := range []string{"inbox.title", "incoming.title", "outgoing.title", "receive.title", "draft.title", "doc.title",
		"tasks.title", "records.title", "search.title", "admin.title", "dash.title"} {
		used[title] = true
	}
	for _, r := range engine.Roles {
		used["role."+string(r)] = true
	}
	for _, table := range []map[engine.Action]engine.Transition{engine.OutgoingLifecycle, engine.IncomingLifecycle} {
		for action, tr := range table {
			used["state."+string(tr.To)] = true
			for _, s := range tr.From {
				used["state."+string(s)] = true
			}
			// The agency signature comes with the number (issue); cancel is the system's.
			if action != engine.ActionCancel && action != engine.ActionAgencySign {
				used["done."+strings.ReplaceAll(string(action), "_", "")] = true
			}
		}
	}
	for _, s := range []engine.DeliveryStatus{engine.DeliveryDelivered, engine.DeliveryRegistered, engine.DeliveryInProgress,
		engine.DeliveryDone, engine.DeliveryReturned, engine.DeliveryRecalled, engine.DeliveryAssigned, engine.DeliveryChangeAccepted,
		engine.DeliveryChangeRejected} {
		used["delivery."+string(s)] = true
	}
	for _, s := range []calendar.Status{calendar.NoDeadline, calendar.OnTrack, calendar.DueSoon, calendar.Overdue, calendar.Done, calendar.DoneLate} {
		used["due."+string(s)] = true
	}
	for _, s := range []engine.RecordState{engine.RecordPlanned, engine.RecordOpen, engine.RecordClosed, engine.RecordHandedOver} {
		used["record."+string(s)] = true
	}
	for _, k := range []string{"urgency.khan", "urgency.thuong_khan", "urgency.hoa_toc", "class.mat", "class.toi_mat", "class.tuyet_mat",
		"file.draft", "file.signed", "file.attachment", "file.scan", "assign.lead", "assign.cooperate", "assign.info",
		"assignstatus.open", "assignstatus.done", "tier.province", "tier.district", "tier.commune",
		"dispatch.group.province", "dispatch.group.district", "dispatch.group.commune"} {
		used[k] = true
	}
	if len(used) < 150 {
		t.Fatalf("found only %d keys in use: the scan is broken", len(used))
	}
	for key := range used {
		if _, ok := messages[key]; !ok {
			t.Errorf("message %q is used but not in the catalogue", key)
		}
	}
}
