package api

import (
	"net/http"
	"strings"
	"testing"
)

func TestSubmissionNamesTheLeaderWhoSigns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv.deps.Signer = engineSigner{b.eng}
	spec, head := b.as(t, "chuyenvien.tinh"), b.as(t, "truongphong.tinh")
	leader, deputy := b.as(t, "lanhdao.tinh"), b.as(t, "pholanhdao.tinh")
	r := spec.upload(t, "/api/v1/outgoing", map[string]any{"subject": "Giấy mời họp giao ban"}, "du-thao.pdf", minimalPDF(""), nil)
	mustStatus(t, r, http.StatusCreated)
	id := r.json["document"].(map[string]any)["id"].(string)

	r = spec.step(t, id, "submit", map[string]any{"signer_id": head.user.ID})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(string(r.body), "signer_id") {
		t.Errorf("a unit head named to sign is refused without naming the field: %s", r.body)
	}
	r = spec.step(t, id, "submit", map[string]any{"signer_id": deputy.user.ID})
	mustStatus(t, r, http.StatusOK)
	if got := r.json["intended_signer_id"]; got != deputy.user.ID {
		t.Fatalf("intended_signer_id = %v, want the deputy %s", got, deputy.user.ID)
	}
	mustStatus(t, leader.step(t, id, "approve", nil), http.StatusOK)
	r = leader.step(t, id, "sign", map[string]any{"pin": "000000"})
	mustStatus(t, r, http.StatusForbidden)
	if r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("the refusal is not a problem: %s", r.header.Get("Content-Type"))
	}
	r = deputy.step(t, id, "sign", map[string]any{"pin": "000000"})
	mustStatus(t, r, http.StatusOK)
	if r.json["signer_id"] != deputy.user.ID || r.json["state"] != "signed" {
		t.Fatalf("signed by %v, state %v", r.json["signer_id"], r.json["state"])
	}
}

func TestTheApproverNamesAnotherSigner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv.deps.Signer = engineSigner{b.eng}
	spec, leader, deputy := b.as(t, "chuyenvien.tinh"), b.as(t, "lanhdao.tinh"), b.as(t, "pholanhdao.tinh")
	r := spec.upload(t, "/api/v1/outgoing", map[string]any{"subject": "Kế hoạch kiểm tra"}, "du-thao.pdf", minimalPDF(""), nil)
	mustStatus(t, r, http.StatusCreated)
	id := r.json["document"].(map[string]any)["id"].(string)
	mustStatus(t, spec.step(t, id, "submit", map[string]any{"signer_id": leader.user.ID}), http.StatusOK)
	mustStatus(t, deputy.step(t, id, "signer", map[string]any{"signer_id": deputy.user.ID}), http.StatusForbidden)
	r = leader.step(t, id, "signer", map[string]any{"signer_id": deputy.user.ID})
	mustStatus(t, r, http.StatusOK)
	if r.json["intended_signer_id"] != deputy.user.ID {
		t.Fatalf("after the change: %v", r.json["intended_signer_id"])
	}
}
