package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// demoSummary is what `vanthu demo --json` prints.
type demoSummary struct {
	DocumentsIssued int  `json:"documents_issued"`
	Signatures      int  `json:"signatures"`
	Deliveries      int  `json:"deliveries"`
	Registered      int  `json:"registered"`
	Completed       int  `json:"completed"`
	Overdue         int  `json:"overdue"`
	RecordsClosed   int  `json:"records_closed"`
	RecordsArchived int  `json:"records_handed_over"`
	AuditEvents     int  `json:"audit_events"`
	AuditChainOK    bool `json:"audit_chain_ok"`
	Directive       struct {
		Notation   string            `json:"notation"`
		Recipients map[string]string `json:"recipients"` // agency → delivery status
	} `json:"directive"`
	Steps       []demoStep    `json:"steps"`        // who did what, in order
	OverdueWork []demoOverdue `json:"overdue_work"` // what is past its deadline at the end
}

// runDemo is `vanthu demo`: a scripted working fortnight of the demo province. The
// province issues a directive signed by a vice-chairman on behalf of the chairman and
// sends it to every district; each district registers it, directs a unit and forwards it
// to its communes; communes report back; one district and one commune per district run
// late, so overdue work shows. Every document is a real PDF with Vietnamese text, signed
// by the leader and then by the agency (demo CA, generated on first use).
func runDemo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	cfg := bindConfig(fs)
	asJSON := fs.Bool("json", false, "print a machine-readable summary")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	store, blobs, err := cfg.openMigratedStores(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	password, err := demoPassword(cfg.Data)
	if err != nil {
		return err
	}
	if n, err := store.AgencyCount(ctx); err != nil {
		return err
	} else if n == 0 {
		if _, err := seed.Demo(ctx, store, password); err != nil {
			return err
		}
	}
	replicas, err := cfg.openReplicas(ctx)
	if err != nil {
		return err
	}
	sum, err := playDemo(ctx, cfg, store, blobs, replicas, nil, password, false)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	printDemo(stdout, sum)
	if !sum.AuditChainOK {
		return errors.New("an audit chain is broken")
	}
	return nil
}

// playDemo runs the demo fortnight on a seeded demo province; with leaveWork it also
// leaves today's work waiting for every role of the province and the districts' clerks, so
// that a first look at the web UI shows each user something to do. The demo CA answers
// from demo (serve's), else from this run.
func playDemo(ctx context.Context, cfg *config, store *sqlstore.Store, blobs blob.Store, replicas []blob.Store,
	demo *demoPKI, password string, leaveWork bool) (demoSummary, error) {
	province, err := store.AgencyGetByCode(ctx, demoIdentity().RootCode())
	if err != nil {
		return demoSummary{}, fmt.Errorf("the demo province is not in this database: %w", err)
	}

	if demo == nil {
		if demo, err = startDemoPKI(ctx, demoPKIDir(cfg.Data)); err != nil {
			return demoSummary{}, err
		}
		defer demo.Close()
	}
	ca := demo.ca

	d := &demoDay{eng: engine.New(store), store: store, blobs: blobs, replicas: replicas, ca: ca,
		pin: password, layouts: map[string]keyring.Layout{}}
	d.kr = keyring.New(keyring.Config{Engine: d.eng, Store: store, Blobs: blobs, Location: "Hòa Bình",
		Timestamper:       &pki.TSAClient{URL: demo.tsaURL},
		Revocation:        pki.NewRevocation(&http.Client{Timeout: 10 * time.Second}, ca.Issuers()),
		ExtraCertificates: []*x509.Certificate{ca.TSACertificate()},
		Placer: func(ctx context.Context, doc engine.Document, draft []byte) (keyring.Layout, error) {
			if l, ok := d.layouts[doc.ID]; ok {
				return l, nil
			}
			return keyring.DefaultPlacer(ctx, doc, draft)
		}})
	d.clock = time.Now().In(vietnamTime).AddDate(0, 0, -demoLookbackDays).Truncate(24 * time.Hour).Add(8 * time.Hour)
	d.eng.SetClock(func() time.Time { return d.clock })
	if err := d.run(ctx, province); err != nil {
		return demoSummary{}, fmt.Errorf("demo: %w", err)
	}
	d.eng.SetClock(time.Now)
	if leaveWork {
		if err := d.leaveWork(ctx, province); err != nil {
			return demoSummary{}, fmt.Errorf("demo: work left for today: %w", err)
		}
	}
	if err := d.finish(ctx); err != nil {
		return demoSummary{}, err
	}
	return d.sum, nil
}

var vietnamTime = time.FixedZone("ICT", 7*3600)

// demoLookbackDays is how long ago the demo's fortnight starts: long enough that, even
// across the Tết holidays, the late district's deadlines have passed today.
const demoLookbackDays = 21

// staff are the demo users of one agency, by role.
type staff struct {
	agency engine.Agency
	parent *engine.Agency
	actors map[engine.Role]engine.Actor
	units  map[engine.Role]string // the unit of each role's member
	names  map[engine.Role]string
}

type demoDay struct {
	eng      *engine.Engine
	store    *sqlstore.Store
	blobs    blob.Store
	replicas []blob.Store
	ca       *pkidemo.CA
	kr       *keyring.Keyring
	pin      string                    // the demo password: every demo key's PIN
	layouts  map[string]keyring.Layout // where each draft's signatures go, by document
	clock    time.Time
	sum      demoSummary
	// what the demo issued, for the summary
	directiveID string
	agencies    []engine.Agency
}

func (d *demoDay) staffOf(ctx context.Context, a engine.Agency) (staff, error) {
	s := staff{agency: a, actors: map[engine.Role]engine.Actor{}, units: map[engine.Role]string{}, names: map[engine.Role]string{}}
	ms, err := d.store.MembershipListByAgency(ctx, a.ID)
	if err != nil {
		return s, err
	}
	for _, m := range ms {
		if _, seen := s.actors[m.Role]; seen {
			continue
		}
		u, err := d.store.UserGetByID(ctx, m.UserID)
		if err != nil {
			return s, err
		}
		s.actors[m.Role] = engine.Actor{UserID: u.ID, AgencyID: a.ID, Role: m.Role}
		s.units[m.Role], s.names[m.Role] = m.UnitID, u.FullName
	}
	if a.ParentID != "" {
		p, err := d.store.AgencyGetByID(ctx, a.ParentID)
		if err != nil {
			return s, err
		}
		s.parent = &p
	}
	return s, nil
}

// at moves the demo's clock to a working hour of day n of the fortnight.
func (d *demoDay) at(day int, hour int) {
	start := time.Now().In(vietnamTime).AddDate(0, 0, -demoLookbackDays)
	base := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, vietnamTime)
	// The hour is Vietnam's: truncating to a day in UTC would put the morning at 15:00.
	t := d.eng.Calendar.AddWorkingDays(base, day).In(vietnamTime)
	d.clock = time.Date(t.Year(), t.Month(), t.Day(), hour, 0, 0, 0, vietnamTime)
	if d.clock.Before(base) {
		d.clock = base.Add(time.Duration(hour) * time.Hour)
	}
}

func (d *demoDay) run(ctx context.Context, province engine.Agency) error {
	tree, err := d.store.AgencyListSubtree(ctx, province.ID)
	if err != nil {
		return err
	}
	d.agencies = tree
	p, err := d.staffOf(ctx, province)
	if err != nil {
		return err
	}
	d.at(0, 8)
	districtIDs, err := d.eng.ResolveRecipients(ctx, province.ID, engine.Recipients{
		Groups: []engine.RecipientGroup{{Below: province.ID, Tier: engine.TierDistrict}}})
	if err != nil {
		return err
	}
	directive, err := d.outgoing(ctx, p, outgoingSpec{
		typeCode: "CT", typeName: "Chỉ thị",
		subject: "Về việc đẩy mạnh chuyển đổi số và triển khai Đề án 06 trên địa bàn tỉnh",
		body: []string{
			"Thực hiện Quyết định số 06/QĐ-TTg ngày 06 tháng 01 năm 2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử, Ủy ban nhân dân tỉnh Hòa Bình yêu cầu các sở, ban, ngành và Ủy ban nhân dân các huyện, thành phố thực hiện nghiêm các nội dung sau:",
			"1. Trong thời hạn 05 ngày làm việc, Ủy ban nhân dân các huyện, thành phố chỉ đạo các xã, phường, thị trấn rà soát dữ liệu dân cư, cập nhật đầy đủ, chính xác vào hệ thống và báo cáo kết quả về Ủy ban nhân dân tỉnh.",
			"2. 100% văn bản đi, văn bản đến được xử lý trên môi trường mạng, ký số đúng thể thức theo Nghị định số 30/2020/NĐ-CP; tuyệt đối không để văn bản quá hạn xử lý.",
			"3. Giao Sở Thông tin và Truyền thông theo dõi, đôn đốc, tổng hợp tình hình thực hiện Chỉ thị này, báo cáo Chủ tịch Ủy ban nhân dân tỉnh.",
		},
		signer: engine.RoleDeputyLeader, authority: []string{"KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"},
		reviewers: true, recipients: districtIDs,
		nơiNhận: []string{"Như trên", "Thường trực Tỉnh ủy", "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT, VX"},
	})
	if err != nil {
		return fmt.Errorf("directive: %w", err)
	}
	d.directiveID = directive.ID
	d.sum.Directive.Notation = directive.Notation
	// The directive goes into the record the province's list planned for it.
	year := d.clock.In(vietnamTime).Year()
	plan, err := d.eng.PlanRecords(ctx, p.actors[engine.RoleClerk], year, []engine.RecordSpec{
		{Code: fmt.Sprintf("%02d.VX", 1+d.runOrdinal(ctx, province.ID, year)), Title: "Hồ sơ chỉ đạo chuyển đổi số và triển khai Đề án 06",
			Retention: engine.Retention{Permanent: true}, OwnerID: p.actors[engine.RoleSpecialist].UserID}})
	if err != nil {
		return fmt.Errorf("records: %w", err)
	}
	record, err := d.eng.OpenRecord(ctx, p.actors[engine.RoleSpecialist], year, engine.RecordSpec{Code: plan[0].Code})
	if err != nil {
		return err
	}
	if err := d.eng.FileDocument(ctx, p.actors[engine.RoleSpecialist], record.ID, directive.ID); err != nil {
		return err
	}

	deliveries, err := d.store.DeliveryListByOutgoing(ctx, directive.ID)
	if err != nil {
		return err
	}
	for i, del := range deliveries {
		district, err := d.store.AgencyGetByID(ctx, del.RecipientAgencyID)
		if err != nil {
			return err
		}
		late := i == len(deliveries)-1 // the last district runs late
		if err := d.districtDay(ctx, district, del.IncomingID, directive, late); err != nil {
			return fmt.Errorf("%s: %w", district.Name, err)
		}
	}
	// The province's work on the directive ends: the record is closed and the archivist
	// takes it into the agency archive.
	d.at(5, 16)
	if _, err := d.eng.CloseRecord(ctx, p.actors[engine.RoleSpecialist], record.ID, d.clock); err != nil {
		return err
	}
	d.sum.RecordsClosed++
	if _, err := d.eng.HandOver(ctx, p.actors[engine.RoleArchivist], record.ID); err != nil {
		return err
	}
	// The archivist stores it as a locked archival package.
	pkg, err := archive.Store(ctx, d.store, d.blobs, record.ID, d.replicas...)
	if err != nil {
		return err
	}
	if _, err := d.eng.RecordArchived(ctx, p.actors[engine.RoleArchivist], record.ID, pkg.Manifest); err != nil {
		return err
	}
	d.sum.RecordsArchived++
	return nil
}

// runOrdinal counts the records the province already has for the year, so that every
// run of the demo opens a record of its own.
func (d *demoDay) runOrdinal(ctx context.Context, agencyID string, year int) int {
	rs, err := d.store.RecordListByAgency(ctx, agencyID, year)
	if err != nil {
		return 0
	}
	return len(rs)
}

// districtDay: register and direct the province's directive, forward it to the communes,
// collect their reports and, unless late, complete.
func (d *demoDay) districtDay(ctx context.Context, district engine.Agency, incomingID string, directive engine.Document, late bool) error {
	s, err := d.staffOf(ctx, district)
	if err != nil {
		return err
	}
	d.at(0, 14)
	if err := d.receive(ctx, s, incomingID, 5); err != nil {
		return err
	}
	communeIDs, err := d.eng.ResolveRecipients(ctx, district.ID, engine.Recipients{
		Groups: []engine.RecipientGroup{{Below: district.ID, Tier: engine.TierCommune}}})
	if err != nil {
		return err
	}
	d.at(1, 9)
	forward, err := d.outgoing(ctx, s, outgoingSpec{
		subject: "V/v triển khai Chỉ thị số " + directive.Notation + " của Ủy ban nhân dân tỉnh",
		body: []string{
			"Thực hiện Chỉ thị số " + directive.Notation + " của Ủy ban nhân dân tỉnh Hòa Bình về việc đẩy mạnh chuyển đổi số và triển khai Đề án 06, Ủy ban nhân dân " + lowerFirst(strings.TrimPrefix(district.Name, "Ủy ban nhân dân ")) + " đề nghị Ủy ban nhân dân các xã, phường, thị trấn:",
			"Rà soát, cập nhật dữ liệu dân cư trên địa bàn; báo cáo kết quả bằng văn bản điện tử có chữ ký số về Ủy ban nhân dân huyện trong thời hạn 03 ngày làm việc.",
		},
		signer: engine.RoleLeader, authority: []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"},
		recipients: communeIDs, nơiNhận: []string{"Như trên", "UBND tỉnh (b/c)", "Lưu: VT, VHTT"},
	})
	if err != nil {
		return fmt.Errorf("forward: %w", err)
	}
	deliveries, err := d.store.DeliveryListByOutgoing(ctx, forward.ID)
	if err != nil {
		return err
	}
	for i, del := range deliveries {
		commune, err := d.store.AgencyGetByID(ctx, del.RecipientAgencyID)
		if err != nil {
			return err
		}
		lateCommune := i == len(deliveries)-1
		if err := d.communeDay(ctx, commune, del.IncomingID, forward, district.ID, lateCommune); err != nil {
			return fmt.Errorf("%s: %w", commune.Name, err)
		}
	}
	// The communes' reports arrive: register them for information and close them.
	d.at(4, 9)
	inbox, err := d.eng.InboxPage(ctx, s.actors[engine.RoleClerk], "", engine.MaxPageSize)
	if err != nil {
		return err
	}
	for _, doc := range inbox.Documents {
		if doc.Flow != engine.Incoming || doc.State != engine.StateReceived {
			continue
		}
		if err := d.receive(ctx, s, doc.ID, 2); err != nil {
			return err
		}
		if err := d.complete(ctx, s, doc.ID, "Đã tổng hợp"); err != nil {
			return err
		}
	}
	if late {
		return nil
	}
	d.at(4, 15)
	return d.complete(ctx, s, incomingID, "Đã chỉ đạo các xã, phường, thị trấn triển khai và tổng hợp báo cáo")
}

// communeDay: register and direct the district's letter, report back unless late.
func (d *demoDay) communeDay(ctx context.Context, commune engine.Agency, incomingID string, forward engine.Document, districtID string, late bool) error {
	s, err := d.staffOf(ctx, commune)
	if err != nil {
		return err
	}
	d.at(1, 14)
	if err := d.receive(ctx, s, incomingID, 3); err != nil {
		return err
	}
	if late {
		return nil
	}
	d.at(3, 10)
	_, err = d.outgoing(ctx, s, outgoingSpec{
		typeCode: "BC", typeName: "Báo cáo",
		subject: "Kết quả rà soát, cập nhật dữ liệu dân cư theo Công văn số " + forward.Notation,
		body: []string{
			"Thực hiện Công văn số " + forward.Notation + " của Ủy ban nhân dân huyện, Ủy ban nhân dân " + lowerFirst(strings.TrimPrefix(commune.Name, "Ủy ban nhân dân ")) + " báo cáo kết quả như sau:",
			"Đã rà soát 100% hộ gia đình trên địa bàn; cập nhật, điều chỉnh thông tin của 127 nhân khẩu; kích hoạt 1.482 tài khoản định danh điện tử mức độ 2.",
			"Ủy ban nhân dân xã kính báo cáo Ủy ban nhân dân huyện xem xét, chỉ đạo.",
		},
		signer: engine.RoleLeader, authority: []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"},
		recipients: []string{districtID}, nơiNhận: []string{"UBND huyện (b/c)", "Lưu: VT"},
	})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return d.complete(ctx, s, incomingID, "Đã báo cáo kết quả")
}

// receive: the clerk registers and presents, the leader directs the lead unit.
func (d *demoDay) receive(ctx context.Context, s staff, docID string, workingDays int) error {
	clerk, leader := s.actors[engine.RoleClerk], s.actors[engine.RoleLeader]
	if _, err := d.eng.Register(ctx, clerk, docID, ""); err != nil {
		return err
	}
	d.sum.Registered++
	doc, err := d.eng.Present(ctx, clerk, docID, "")
	if err != nil {
		return err
	}
	d.did(s, engine.RoleClerk, fmt.Sprintf("vào sổ đến số %d văn bản %s của %s, trình lãnh đạo", doc.IncomingNumber,
		documentLabel(doc), shortAgency(doc.SenderName)))
	_, err = d.eng.Direct(ctx, leader, docID, engine.DirectInput{
		Text:  "Giao phòng chuyên môn chủ trì, tham mưu triển khai; báo cáo đúng hạn.",
		Tasks: []engine.UnitTask{{UnitID: s.units[engine.RoleUnitHead], Role: engine.Lead, WorkingDays: workingDays}},
	}, "")
	if err != nil {
		return err
	}
	unit := "phòng chuyên môn"
	if u, err := d.store.UnitGetByID(ctx, s.units[engine.RoleUnitHead]); err == nil {
		unit = u.Name
	}
	d.did(s, engine.RoleLeader, fmt.Sprintf("chỉ đạo: giao %s chủ trì, hạn %d ngày làm việc", unit, workingDays))
	_, err = d.eng.Start(ctx, s.actors[engine.RoleSpecialist], docID, "")
	return err
}

func (d *demoDay) complete(ctx context.Context, s staff, docID, result string) error {
	if _, err := d.eng.Complete(ctx, s.actors[engine.RoleUnitHead], docID, result, ""); err != nil {
		return err
	}
	d.did(s, engine.RoleUnitHead, "báo cáo hoàn thành: "+lowerFirst(result))
	d.sum.Completed++
	return nil
}

type outgoingSpec struct {
	typeCode, typeName string // empty for a công văn
	subject            string
	body               []string
	signer             engine.Role
	authority          []string
	reviewers          bool
	recipients         []string
	nơiNhận            []string
	// stopAt leaves the document waiting at a step: "submitted" (for its reviewers),
	// "approved" (for the signer), "signed" (for the clerk); empty goes to dispatch.
	stopAt string
}

// outgoing takes one document from draft to dispatch: the specialist drafts it as a PDF,
// reviewers check it, the leader approves and signs it visibly, the clerk numbers it,
// applies the agency's seal and signature, and sends it.
func (d *demoDay) outgoing(ctx context.Context, s staff, spec outgoingSpec) (engine.Document, error) {
	specialist, clerk := s.actors[engine.RoleSpecialist], s.actors[engine.RoleClerk]
	signerActor := s.actors[spec.signer]
	doc, err := d.eng.CreateDraft(ctx, specialist, engine.DraftInput{TypeCode: spec.typeCode, Subject: spec.subject,
		DraftingUnitID: s.units[engine.RoleSpecialist]}, "")
	if err != nil {
		return doc, err
	}
	unitShort := ""
	if spec.typeCode == "" {
		if u, err := d.store.UnitGetByID(ctx, s.units[engine.RoleSpecialist]); err == nil {
			unitShort = u.ShortName
		}
	}
	notation := s.agency.ShortName + "-" + unitShort
	if spec.typeCode != "" {
		notation = spec.typeCode + "-" + s.agency.ShortName
	}
	layout := docpdf.Document{Agency: agencyHeading(s.agency.Name), Notation: notation, Place: "Hòa Bình",
		Type: spec.typeName, Summary: strings.TrimPrefix(spec.subject, "V/v "), Body: docpdf.Text(spec.body...),
		Signer: docpdf.Signer{Authority: spec.authority, Name: s.names[spec.signer]}, Recipients: spec.nơiNhận}
	if s.parent != nil {
		layout.ParentAgency = strings.Replace(s.parent.Name, "Ủy ban nhân dân", "UBND", 1)
	}
	draft, place, blanks, err := docpdf.RenderDraft(layout)
	if err != nil {
		return doc, fmt.Errorf("render: %w", err)
	}
	draftFile, err := d.keep(ctx, draft, "draft", "du-thao.pdf")
	if err != nil {
		return doc, err
	}
	if _, err := d.eng.AddFile(ctx, specialist, doc.ID, draftFile, ""); err != nil {
		return doc, err
	}
	var reviewers []engine.Reviewer
	if spec.reviewers {
		reviewers = []engine.Reviewer{{UserID: s.actors[engine.RoleUnitHead].UserID, Kind: "content", Order: 1},
			{UserID: clerk.UserID, Kind: "format", Order: 2}}
	}
	if doc, err = d.eng.Submit(ctx, specialist, doc.ID, reviewers, ""); err != nil || spec.stopAt == "submitted" {
		return doc, err
	}
	kind := spec.typeName
	if kind == "" {
		kind = "Công văn"
	}
	d.did(s, engine.RoleSpecialist, "soạn và trình dự thảo "+kind+" “"+spec.subject+"”")
	for _, r := range reviewers {
		role := roleOf(s, r.UserID)
		if _, err := d.eng.Review(ctx, engine.Actor{UserID: r.UserID, AgencyID: s.agency.ID, Role: role}, doc.ID, true, "Đồng ý", ""); err != nil {
			return doc, err
		}
		d.did(s, role, map[string]string{"content": "kiểm tra nội dung", "format": "kiểm tra thể thức"}[r.Kind]+" dự thảo: đồng ý")
	}
	if doc, err = d.eng.Approve(ctx, signerActor, doc.ID, ""); err != nil {
		return doc, err
	}

	// The leader signs with their personal key and the clerk numbers the document and
	// seals it with the agency's key, through the keyring as the API does; the layout the
	// draft was rendered with says where the signature, the seal and the number go.
	d.layouts[doc.ID] = keyring.Layout{Signature: place, Blanks: &blanks}
	if err := d.ensureKeys(ctx, s, signerActor.UserID); err != nil || spec.stopAt == "approved" {
		return doc, err
	}
	if doc, err = d.kr.SignAsLeaderWith(ctx, signerActor, doc.ID, d.pin, "",
		keyring.SignOptions{Title: strings.Join(spec.authority, " / ")}); err != nil {
		return doc, err
	}
	d.did(s, spec.signer, "duyệt và ký số ("+strings.Join(spec.authority, ", ")+")")
	d.sum.Signatures++
	if spec.stopAt == "signed" {
		return doc, nil
	}
	if doc, err = d.kr.IssueAndSeal(ctx, clerk, doc.ID, d.pin, ""); err != nil {
		return doc, err
	}
	d.sum.DocumentsIssued++
	d.sum.Signatures++
	doc, err = d.eng.Dispatch(ctx, clerk, doc.ID, spec.recipients, "")
	if err != nil {
		return doc, err
	}
	d.did(s, engine.RoleClerk, fmt.Sprintf("cấp số %s, ký số và đóng dấu của cơ quan, phát hành tới %d cơ quan", doc.Notation, len(spec.recipients)))
	d.sum.Deliveries += len(spec.recipients)
	return doc, nil
}

func roleOf(s staff, userID string) engine.Role {
	for role, a := range s.actors {
		if a.UserID == userID {
			return role
		}
	}
	return ""
}

// ensureKeys gives the signer and the agency demo keys from the demo CA, under the demo
// password, unless they have keys already (from serve's seed or an earlier run).
func (d *demoDay) ensureKeys(ctx context.Context, s staff, signerID string) error {
	if ok, err := d.kr.HasKey(ctx, keyring.User(signerID)); err != nil {
		return err
	} else if !ok {
		u, err := d.store.UserGetByID(ctx, signerID)
		if err != nil {
			return err
		}
		if _, err := d.kr.IssueDemoPerson(ctx, d.ca, u, d.pin, demoSignaturePNG(len(u.FullName))); err != nil {
			return err
		}
	}
	if ok, err := d.kr.HasKey(ctx, keyring.Agency(s.agency.ID)); err != nil || ok {
		return err
	}
	_, err := d.kr.IssueDemoAgency(ctx, d.ca, s.agency, d.pin, demoSealPNG())
	return err
}

func (d *demoDay) finish(ctx context.Context) error {
	n, err := d.store.AuditCount(ctx)
	if err != nil {
		return err
	}
	d.sum.AuditEvents = n
	d.sum.AuditChainOK = true
	for _, a := range d.agencies {
		problems, _, err := d.eng.VerifyAudit(ctx, a.ID)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			d.sum.AuditChainOK = false
		}
		total, _, overdue, err := d.eng.Deadlines(ctx, a.ID)
		if err != nil {
			return err
		}
		d.sum.Overdue += total.Overdue
		if err := d.overdueWork(ctx, a, overdue); err != nil {
			return err
		}
	}
	d.sum.Directive.Recipients = map[string]string{}
	deliveries, err := d.store.DeliveryListByOutgoing(ctx, d.directiveID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, a := range d.agencies {
		names[a.ID] = a.Name
	}
	for _, del := range deliveries {
		name, ok := names[del.RecipientAgencyID]
		if !ok { // the directive went only to the province's districts; this is a safeguard
			a, err := d.store.AgencyGetByID(ctx, del.RecipientAgencyID)
			if err != nil {
				return err
			}
			name = a.Name
		}
		d.sum.Directive.Recipients[name] = string(del.Status)
	}
	return nil
}

func agencyHeading(name string) string {
	upper := strings.ToUpper(name)
	if rest, ok := strings.CutPrefix(upper, "ỦY BAN NHÂN DÂN "); ok {
		return "ỦY BAN NHÂN DÂN\n" + rest
	}
	return upper
}

func lowerFirst(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// keep stores a PDF in the blob store and describes it for the engine.
func (d *demoDay) keep(ctx context.Context, data []byte, kind, name string) (engine.FileInput, error) {
	obj, err := d.blobs.Put(ctx, bytes.NewReader(data), blob.PutOptions{ContentType: "application/pdf"})
	if err != nil {
		return engine.FileInput{}, err
	}
	return engine.FileInput{Kind: kind, Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}, nil
}
