package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/docpdf"
)

// leaveWork leaves today's work waiting in the demo province, one item per step, so that
// every demo user of the province and every district clerk finds something to do:
// a scan to register and one to direct, a task in progress, drafts to review, to sign and
// to number and seal, and a letter dispatched to the districts for their clerks to register.
func (d *demoDay) leaveWork(ctx context.Context, province engine.Agency) error {
	p, err := d.staffOf(ctx, province)
	if err != nil {
		return err
	}
	districtIDs, err := d.eng.ResolveRecipients(ctx, province.ID, engine.Recipients{
		Groups: []engine.RecipientGroup{{Below: province.ID, Tier: engine.TierDistrict}}})
	if err != nil {
		return fmt.Errorf("districts: %w", err)
	}
	if len(districtIDs) == 0 {
		return fmt.Errorf("districts: none under %s", province.Name)
	}
	clerk := p.actors[engine.RoleClerk]

	// From outside the province: three scans arrive by post and e-mail.
	scans := []struct {
		sender   string
		number   int
		notation string
		subject  string
		urgency  engine.Urgency
	}{
		{"Bộ Thông tin và Truyền thông", 4125, "BTTTT-CĐSQG", "V/v hướng dẫn chỉ tiêu chuyển đổi số năm 2026", engine.UrgencyUrgent},
		{"Bộ Nội vụ", 812, "BNV-VP", "V/v rà soát công tác văn thư, lưu trữ năm 2026", engine.UrgencyNormal},
		{"Văn phòng Chính phủ", 9031, "VPCP-KSTT", "V/v đẩy mạnh xử lý văn bản trên môi trường mạng", engine.UrgencyNormal},
	}
	var received []engine.Document
	for _, sc := range scans {
		pdf, _, err := docpdf.Render(docpdf.Document{Agency: agencyHeading(sc.sender), Number: sc.number, Notation: sc.notation, Place: "Hà Nội",
			Date: time.Now().AddDate(0, 0, -2), Summary: strings.TrimPrefix(sc.subject, "V/v "),
			Addressees: []string{"Ủy ban nhân dân tỉnh Hòa Bình"}, Body: docpdf.Text("Đề nghị Ủy ban nhân dân tỉnh chỉ đạo các cơ quan, đơn vị triển khai thực hiện và báo cáo kết quả."),
			Signer: docpdf.Signer{Authority: []string{"KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"}, Name: "Nguyễn Văn A"}})
		if err != nil {
			return fmt.Errorf("render scan: %w", err)
		}
		file, err := d.keep(ctx, pdf, "scan", "van-ban-den.pdf")
		if err != nil {
			return err
		}
		doc, err := d.eng.ReceiveExternal(ctx, clerk, engine.ExternalInput{Subject: sc.subject, Urgency: sc.urgency,
			SenderName: sc.sender, SenderNotation: fmt.Sprintf("%d/%s", sc.number, sc.notation), Files: []engine.FileInput{file}}, "")
		if err != nil {
			return fmt.Errorf("receive %s: %w", sc.subject, err)
		}
		received = append(received, doc)
	}
	// The first waits for the clerk; the second for the chairman's direction; the third is
	// with the specialist, due in five working days.
	if _, err := d.eng.Register(ctx, clerk, received[1].ID, ""); err != nil {
		return err
	}
	if _, err := d.eng.Present(ctx, clerk, received[1].ID, ""); err != nil {
		return err
	}
	if err := d.receive(ctx, p, received[2].ID, 5); err != nil {
		return err
	}

	// Drafts of the province's own documents, each stopped at a different step.
	drafts := []outgoingSpec{
		{subject: "V/v báo cáo kết quả rà soát dữ liệu dân cư", stopAt: "submitted", reviewers: true,
			body: []string{"Ủy ban nhân dân tỉnh đề nghị các huyện, thành phố báo cáo kết quả rà soát dữ liệu dân cư."}},
		{typeCode: "QĐ", typeName: "Quyết định", subject: "Về việc ban hành Kế hoạch chuyển đổi số năm 2026", stopAt: "approved",
			body: []string{"Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2026.",
				"Điều 2. Quyết định có hiệu lực kể từ ngày ký."}},
		{subject: "V/v tăng cường kỷ luật, kỷ cương hành chính", stopAt: "signed",
			body: []string{"Chủ tịch Ủy ban nhân dân tỉnh yêu cầu thủ trưởng các cơ quan, đơn vị chấn chỉnh kỷ luật hành chính."}},
		{subject: "V/v chuẩn bị hội nghị sơ kết Đề án 06", recipients: districtIDs,
			body: []string{"Đề nghị Ủy ban nhân dân huyện chuẩn bị báo cáo phục vụ hội nghị sơ kết Đề án 06."}},
	}
	for _, spec := range drafts {
		spec.signer, spec.authority = engine.RoleLeader, []string{"CHỦ TỊCH"}
		spec.nơiNhận = []string{"Như trên", "Lưu: VT"}
		if _, err := d.outgoing(ctx, p, spec); err != nil {
			return fmt.Errorf("draft %q: %w", spec.subject, err)
		}
	}
	return nil
}
