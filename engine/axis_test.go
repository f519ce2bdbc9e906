package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/edxml"
)

// A document dispatched to an agency on the axis: the delivery shows the latest status
// the recipient reported, whatever order statuses arrive in, and each status once.
func TestAxisDeliveryTakesStatusesInAnyOrder(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		const ministry = "000.00.00.G12"
		must(t, b.store.InTx(ctx, func(q engine.Queries) error {
			return q.AxisAgencyUpsert(ctx, &engine.AxisAgency{Code: ministry, Name: "Bộ Tài chính", SyncedAt: time.Now().UTC()})
		}))
		d := b.signedDraft(t, "Về việc báo cáo ngân sách")
		d, err := b.eng.Issue(ctx, p.clerk, d.ID, "")
		must(t, err)
		_, err = b.eng.AgencySign(ctx, p.clerk, d.ID, signedPDF, "")
		must(t, err)

		t.Run("RefusesCodesNotInTheDirectoryAndAgenciesHere", func(t *testing.T) {
			for _, code := range []string{"000.00.00.G99", b.districts[0].agency.Code} {
				_, err := b.eng.DispatchTo(ctx, p.clerk, d.ID, engine.DispatchInput{ExternalCodes: []string{code}}, "")
				if err == nil || !strings.Contains(err.Error(), "external_codes") {
					t.Errorf("dispatch to %s: %v, want a refusal naming external_codes", code, err)
				}
			}
		})
		_, err = b.eng.DispatchTo(ctx, p.clerk, d.ID, engine.DispatchInput{ExternalCodes: []string{ministry}}, "")
		must(t, err)
		views, err := b.eng.AxisDeliveries(ctx, p.clerk, d.ID)
		must(t, err)
		if len(views) != 1 || views[0].Status != engine.DeliveryQueued {
			t.Fatalf("after dispatch: %+v", views)
		}
		must(t, b.eng.RecordAxisSend(ctx, views[0].ID, "pkg-1", nil))

		docID := engine.AxisDocumentID(p.agency, d)
		at := time.Now().Truncate(time.Second)
		apply := func(code edxml.StatusCode, when time.Time) engine.ExchangeResult {
			t.Helper()
			res, err := b.eng.ApplyExchangeStatus(ctx, &edxml.StatusMessage{ResponseFor: edxml.ResponseFor{DocumentID: docID},
				From: edxml.Organization{OrganID: ministry, OrganName: "Bộ Tài chính"}, Code: code, Description: code.Meaning(),
				Timestamp: when, Staff: edxml.StaffInfo{Staff: "Nguyễn Văn An", Department: "Văn phòng Bộ"}})
			must(t, err)
			return res
		}
		// 05 arrives before 03 and 01, which happened earlier; 03 arrives twice.
		apply(edxml.StatusProcessing, at.Add(2*time.Second))
		apply(edxml.StatusAccepted, at)
		apply(edxml.StatusArrived, at)
		if res := apply(edxml.StatusAccepted, at); res.Result != engine.ExchangeApplied || len(res.Warnings) == 0 {
			t.Fatalf("a repeated status: %+v, want applied with a warning", res)
		}
		views, err = b.eng.AxisDeliveries(ctx, p.clerk, d.ID)
		must(t, err)
		v := views[0]
		var codes []string
		for _, h := range v.History {
			codes = append(codes, h.StatusCode)
		}
		if v.Status != engine.DeliveryInProgress || v.StatusCode != "05" || v.PackageID != "pkg-1" {
			t.Fatalf("delivery %+v: want in_progress (05), the latest that happened", v.AxisDelivery)
		}
		if !slices.Equal(codes, []string{"queued", "sent", "01", "03", "05"}) {
			t.Fatalf("history %v", codes)
		}
		if !strings.Contains(v.History[3].Staff, "Nguyễn Văn An") {
			t.Fatalf("staff %q", v.History[3].Staff)
		}

		t.Run("RecallKeepsTheRecallUntilItIsAnswered", func(t *testing.T) {
			_, err := b.eng.Recall(ctx, p.clerk, d.ID, "Ban hành nhầm", "")
			must(t, err)
			apply(edxml.StatusCompleted, time.Now().Add(time.Second)) // sent before the recipient heard of the recall
			views, err := b.eng.AxisDeliveries(ctx, p.clerk, d.ID)
			must(t, err)
			if views[0].Status != engine.DeliveryRecalled {
				t.Fatalf("after the recall and a late 06: %s", views[0].Status)
			}
			apply(edxml.StatusChangeAccepted, time.Now().Add(2*time.Second))
			views, err = b.eng.AxisDeliveries(ctx, p.clerk, d.ID)
			must(t, err)
			if views[0].Status != engine.DeliveryChangeAccepted {
				t.Fatalf("after the recall was accepted: %s", views[0].Status)
			}
		})
		t.Run("OtherAgenciesDoNotSeeThem", func(t *testing.T) {
			if _, err := b.eng.AxisDeliveries(ctx, b.districts[0].clerk, d.ID); err == nil {
				t.Fatal("another agency's clerk read the deliveries")
			}
		})
	})
}
