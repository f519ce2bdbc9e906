package engine_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/edxml"
)

// edxmlZone is Vietnam time, in which the axis writes dates.
var edxmlZone = time.FixedZone("ICT", 7*60*60)

// exchangeMessage reads a testdata message of engine/edxml, with edits.
func exchangeMessage(t *testing.T, file string, edits ...string) *edxml.Package {
	t.Helper()
	b, err := os.ReadFile("edxml/testdata/" + file)
	must(t, err)
	s := string(b)
	for i := 0; i < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("%s does not contain %q", file, edits[i])
		}
		s = strings.ReplaceAll(s, edits[i], edits[i+1])
	}
	pkg, err := edxml.Parse(strings.NewReader(s), edxml.Limits{}, nil)
	must(t, err)
	return pkg
}

func TestExchangeBusinessTypes(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		p.agency.Code102 = "000.00.00.H23"
		must(t, b.store.AgencyUpdate(ctx, &p.agency))
		receive := func(t *testing.T, file string, edits ...string) engine.ExchangeResult {
			t.Helper()
			res, err := b.eng.ReceiveExchange(ctx, engine.ExchangeInput{Message: exchangeMessage(t, file, edits...).Message,
				Files: []engine.FileInput{signedPDF}, Integrity: "1 chữ ký"})
			must(t, err)
			return res
		}
		get := func(id string) engine.Document {
			d, err := b.store.DocumentGetByID(ctx, id)
			must(t, err)
			return d
		}

		res := receive(t, "edoc_new.edxml")
		if res.Business != engine.BusinessNew || res.Result != engine.ExchangeRegistered || len(res.Documents) != 1 {
			t.Fatalf("new: %+v", res)
		}
		orig := res.Documents[0]
		if orig.State != engine.StateReceived || orig.AgencyID != p.agency.ID || orig.SenderNotation != "4512/BNV-VP" {
			t.Fatalf("original %+v", orig)
		}
		if w := strings.Join(res.Warnings, "\n"); !strings.Contains(w, "28.22.H17") || !strings.Contains(get(orig.ID).Note, "28.22.H17") {
			t.Errorf("the odd recipient is not a warning on the result and the document: %q", w)
		}
		if again := receive(t, "edoc_new.edxml"); again.Result != engine.ExchangeDuplicate || again.Documents[0].ID != orig.ID {
			t.Fatalf("a retried message: %+v", again)
		}
		// The clerk registers it and the leader gives it to the culture unit.
		_, err := b.eng.Register(ctx, p.clerk, orig.ID, "")
		must(t, err)
		_, err = b.eng.Present(ctx, p.clerk, orig.ID, "")
		must(t, err)
		_, err = b.eng.Direct(ctx, p.leader, orig.ID, engine.DirectInput{Text: "VX chủ trì",
			Tasks: []engine.UnitTask{{UnitID: p.culture.ID, Role: engine.Lead, WorkingDays: 5}}}, "")
		must(t, err)

		t.Run("AnUpdateSupersedesTheOriginalAndKeepsIt", func(t *testing.T) {
			res := receive(t, "edoc_update.edxml")
			if res.Business != engine.BusinessUpdate || res.Result != engine.ExchangeUpdated || len(res.Documents) != 2 {
				t.Fatalf("update: %+v", res)
			}
			upd := get(res.Documents[0].ID)
			if upd.ReplacesID != orig.ID || upd.ReplaceKind != "correct" || upd.State != engine.StateReceived {
				t.Errorf("the update %+v does not link to the original", upd)
			}
			if o := get(orig.ID); o.State != engine.StateDirected || !strings.Contains(o.Note, "Cập nhật bởi") {
				t.Errorf("original after update: %s %q", o.State, o.Note)
			}
		})
		t.Run("AReplacementSupersedesTheOriginal", func(t *testing.T) {
			res := receive(t, "edoc_replace.edxml")
			if res.Result != engine.ExchangeReplaced || res.Documents[0].SenderNotation != "4610/BNV-VP" {
				t.Fatalf("replacement: %+v", res)
			}
			if r := get(res.Documents[0].ID); r.ReplacesID != orig.ID || r.ReplaceKind != "replace" {
				t.Errorf("replacement %+v", r)
			}
			if o := get(orig.ID); !strings.Contains(o.Note, "Thay thế bởi văn bản 4610/BNV-VP") {
				t.Errorf("original note %q", o.Note)
			}
		})
		t.Run("ARevocationCancelsTheDocumentAndTellsWhoHoldsIt", func(t *testing.T) {
			res := receive(t, "edoc_revoke.edxml")
			if res.Business != engine.BusinessRevocation || res.Result != engine.ExchangeRecalled {
				t.Fatalf("revocation: %+v", res)
			}
			o := get(orig.ID)
			if o.State != engine.StateCancelled || !strings.Contains(o.Note, "ban hành nhầm đối tượng") {
				t.Errorf("original after revocation: %s %q", o.State, o.Note)
			}
			for _, who := range []engine.Actor{p.clerk, p.head, p.specialist} {
				ns, err := b.store.NotificationListByUser(ctx, who.UserID, 10)
				must(t, err)
				if len(ns) == 0 || ns[0].Kind != engine.NoticeRecalled || ns[0].DocumentID != orig.ID {
					t.Errorf("%s was not told: %+v", who.Role, ns)
				}
			}
			if again := receive(t, "edoc_revoke.edxml"); again.Result != engine.ExchangeDuplicate {
				t.Errorf("a retried revocation: %+v", again)
			}
		})
		t.Run("ARevocationOfAnUnknownDocumentIsAWarning", func(t *testing.T) {
			res := receive(t, "edoc_revoke.edxml", "4512/BNV-VP", "4999/BNV-VP")
			if res.Result != engine.ExchangeUnknownDocument || !strings.Contains(strings.Join(res.Warnings, " "), "not known here") {
				t.Errorf("revocation of an unknown document: %+v", res)
			}
		})
		t.Run("AnAxisSystemIDAndADigitIDAreSendersLikeAnyOther", func(t *testing.T) {
			for _, file := range []string{"edoc_vxp_sender.edxml", "edoc_digit_id.edxml"} {
				if res := receive(t, file); res.Result != engine.ExchangeRegistered || len(res.Warnings) != 0 {
					t.Errorf("%s: %+v", file, res)
				}
			}
		})
		t.Run("Status13TakesBackAReceivedDocument", func(t *testing.T) {
			docID := "020100107370,2026/11/19,1187/EVNNPC-KD"
			s := exchangeMessage(t, "status_13.edxml", "000.00.00.G09,2026/11/20,4512/BNV-VP", docID,
				"<edXML:OrganId>000.00.00.G09</edXML:OrganId>", "<edXML:OrganId>020100107370</edXML:OrganId>").Status
			res, err := b.eng.ApplyExchangeStatus(ctx, s)
			must(t, err)
			if res.Result != engine.ExchangeApplied || len(res.Documents) != 1 || get(res.Documents[0].ID).State != engine.StateCancelled {
				t.Errorf("status 13: %+v", res)
			}
		})
	})
}

func TestExchangeStatuses(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p, district := b.province, b.districts[0]
		p.agency.Code102 = "000.00.00.H23"
		must(t, b.store.AgencyUpdate(ctx, &p.agency))
		d := b.signedDraft(t, "Về việc báo cáo công tác văn thư")
		d, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
		must(t, err)
		_, err = b.eng.AgencySign(ctx, p.clerk, d.ID, signedPDF, "")
		must(t, err)
		_, err = b.eng.Dispatch(ctx, p.clerk, d.ID, []string{district.agency.ID}, "")
		must(t, err)
		// The district answers over the axis, as if it were on another instance.
		issued := d.IssuedAt.In(edxmlZone).Format("2006/01/02")
		about := func(file string) *edxml.StatusMessage {
			return exchangeMessage(t, file, "000.00.00.H23,2026/11/20,15/UBND-VP", "000.00.00.H23,"+issued+","+d.Notation,
				"<edXML:OrganId>000.00.00.G09</edXML:OrganId>", "<edXML:OrganId>"+district.agency.Code+"</edXML:OrganId>").Status
		}
		for _, c := range []struct {
			file string
			want engine.DeliveryStatus
		}{
			{"status_01.edxml", engine.DeliveryDelivered}, {"status_03.edxml", engine.DeliveryRegistered},
			{"status_04.edxml", engine.DeliveryAssigned}, {"status_05.edxml", engine.DeliveryInProgress},
			{"status_06.edxml", engine.DeliveryDone},
		} {
			res, err := b.eng.ApplyExchangeStatus(ctx, about(c.file))
			must(t, err)
			dels, err := b.eng.Deliveries(ctx, p.clerk, d.ID)
			must(t, err)
			if res.Result != engine.ExchangeApplied || len(dels) != 1 || dels[0].Status != c.want {
				t.Errorf("%s: %+v, deliveries %+v", c.file, res, dels)
			}
		}
		old := exchangeMessage(t, "status_sample.xml", "000.00.00.H41,2026/11/20,12/UBND-VX", "000.00.00.H23,"+issued+","+d.Notation,
			"<edXML:OrganId>000.00.00.G22</edXML:OrganId>", "<edXML:OrganId>"+district.agency.Code+"</edXML:OrganId>").Status
		t.Run("TheOldLayoutIsAppliedToo", func(t *testing.T) {
			res, err := b.eng.ApplyExchangeStatus(ctx, old)
			must(t, err)
			dels, _ := b.eng.Deliveries(ctx, p.clerk, d.ID)
			if res.Result != engine.ExchangeApplied || dels[0].Status != engine.DeliveryRegistered {
				t.Errorf("old layout: %+v %+v", res, dels)
			}
		})
		t.Run("ARetriedStatusIsAppliedOnce", func(t *testing.T) {
			res, err := b.eng.ApplyExchangeStatus(ctx, old)
			must(t, err)
			if !strings.Contains(strings.Join(res.Warnings, " "), "applied before") {
				t.Errorf("retried status: %+v", res)
			}
		})
		t.Run("AStatusAboutAnUnknownDocumentIsAWarning", func(t *testing.T) {
			res, err := b.eng.ApplyExchangeStatus(ctx, exchangeMessage(t, "status_03.edxml").Status)
			must(t, err)
			if res.Result != engine.ExchangeUnknownDocument || len(res.Warnings) == 0 {
				t.Errorf("unknown document: %+v", res)
			}
		})
		t.Run("TheStatusesAreInTheAuditTrail", func(t *testing.T) {
			evs, err := b.store.AuditListByAgency(ctx, p.agency.ID, 0, 1000)
			must(t, err)
			n := 0
			for _, e := range evs {
				if e.Action == "exchange_status" && e.ObjectID == d.ID {
					n++
				}
			}
			if n != 6 {
				t.Errorf("%d status events on the document, want 6", n)
			}
		})
	})
}
