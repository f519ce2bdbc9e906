package edxml

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fullMessage sets every field the package models, in Vietnamese.
func fullMessage() *Message {
	return &Message{
		From: Organization{OrganID: "000.00.00.H41", OrganizationInCharge: "Ủy ban nhân dân tỉnh Nghệ An",
			OrganName: "UBND tỉnh Nghệ An", OrganAdd: "Số 16 Trường Thi, TP Vinh", Email: "ubnd@nghean.gov.vn",
			Telephone: "0238 3844 555", Fax: "0238 3844 556", Website: "nghean.gov.vn"},
		To: []Organization{
			{OrganID: "000.00.00.G22", OrganName: "Văn phòng Chính phủ"},
			{OrganID: "H41.12.03", OrganName: "Phòng Nội vụ <huyện> \"Quỳnh Lưu\" & xã"},
		},
		Code:         Code{Number: "05", Notation: "QĐ-UBND"},
		Promulgation: PromulgationInfo{Place: "Nghệ An", Date: day(2026, 11, 20)},
		DocumentType: DocumentType{Type: 2, TypeDetail: 1, TypeName: "Quyết định"},
		Subject:      "Về việc phê duyệt kế hoạch chuyển đổi số năm 2027\r\ndòng thứ hai: ắằẳẵặ ỹỷỵ Đđ",
		Content:      "Nội dung tóm tắt",
		Signer:       SignerInfo{Competence: "TM. ỦY BAN NHÂN DÂN", Position: "CHỦ TỊCH", FullName: "Nguyễn Đức Trung"},
		DueDate:      day(2026, 12, 31),
		ToPlaces:     []string{"Như Điều 3;", "Lưu: VT, KGVX."},
		OtherInfo: OtherInfo{Priority: 3, SphereOfPromulgation: "Liên thông văn bản quốc gia", TyperNotation: "HTT",
			PromulgationAmount: 12, PageAmount: 4, Direction: "true", Appendixes: []string{"Phụ lục I", "Phụ lục II"}},
		ResponseFor: []ResponseFor{{OrganID: "000.00.00.G22", Code: "7816/VPCP-TTĐT", PromulgationDate: day(2026, 10, 1),
			DocumentID: "000.00.00.G22,2026/10/01,7816/VPCP-TTĐT"}},
		SteeringType: 1,
		DeclaredID:   "000.00.00.H41,2026/11/20,05/QĐ-UBND",
		TraceHeaders: []TraceHeader{{OrganID: "000.00.00.H41", Timestamp: time.Date(2026, 11, 20, 9, 15, 30, 0, vnZone)}},
		Business: Business{DocType: BusinessReplace, DocReason: "Văn bản thay thế", DocumentID: "000.00.00.H41,2026/11/20,05/QĐ-UBND",
			Paper: 1, Staff: StaffInfo{Department: "Văn phòng", Staff: "Trần Thị Hằng", Mobile: "0912000001", Email: "vt@nghean.gov.vn"},
			DocumentInfo: "1", Receiver: "2",
			Receivers:    []Receiver{{OrganID: "000.00.00.G22", ReceiverType: "1"}},
			Replacements: []Replacement{{DocumentID: "000.00.00.H41,2026/11/01,03/QĐ-UBND", OrganIDs: []string{"000.00.00.G22", "H41.12.03"}}}},
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	binary := make([]byte, 200_000)
	for i := range binary {
		binary[i] = byte(rng.UintN(256))
	}
	contents := [][]byte{[]byte("Quyết định số 05/QĐ-UBND — bản ký số"), binary, {}}
	atts := []Attachment{
		{ContentID: "cid:qd", Name: "05_QĐ-UBND.pdf", Description: "Văn bản chính", ContentType: "application/pdf", Content: bytes.NewReader(contents[0])},
		{ContentID: "cid:pl", Name: "phụ lục 1.zip", ContentType: "application/zip", Content: bytes.NewReader(contents[1])},
		{ContentID: "cid:empty", Name: "trống.txt", ContentType: "text/plain", Content: bytes.NewReader(contents[2])},
	}
	sent := fullMessage()
	raw := mustBuild(t, sent, atts...)

	var got collector
	m, err := ParseMessageStream(bytes.NewReader(raw), Limits{}, got.sink)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("every header field comes back", func(t *testing.T) {
		received := *m
		received.Attachments, received.Manifest = nil, nil
		if !reflect.DeepEqual(&received, sent) {
			t.Errorf("parsed message differs\n got: %+v\nwant: %+v", received, *sent)
		}
	})
	t.Run("every attachment comes back byte for byte", func(t *testing.T) {
		if len(got.data) != len(contents) {
			t.Fatalf("sink got %d attachments, want %d", len(got.data), len(contents))
		}
		for i, want := range contents {
			if !bytes.Equal(got.data[i], want) {
				t.Errorf("attachment %d: %d bytes differ from the %d sent", i, len(got.data[i]), len(want))
			}
			if got.names[i] != atts[i].Name || got.types[i] != atts[i].ContentType {
				t.Errorf("attachment %d: sink saw %q %q", i, got.names[i], got.types[i])
			}
			info := m.Attachments[i]
			wantInfo := AttachmentInfo{ContentID: atts[i].ContentID, Name: atts[i].Name, Description: atts[i].Description,
				ContentType: atts[i].ContentType, Size: int64(len(want)), SHA256: sum(want)}
			if info != wantInfo {
				t.Errorf("attachment %d info = %+v, want %+v", i, info, wantInfo)
			}
			if ref := m.Manifest[i]; ref.ContentID != atts[i].ContentID || ref.Name != atts[i].Name {
				t.Errorf("manifest %d = %+v", i, ref)
			}
		}
	})
	t.Run("the written envelope uses the edXML prefix the VPCP side requires", func(t *testing.T) {
		for _, want := range []string{`<edXML:edXMLEnvelope>`, `<edXML:MessageHeader>`, `<edXML:Subject>`, `<AttachmentEncoded>`,
			`<edXML:ContentTransferEncoded>`, `xmlns:edXML="` + Namespace + `"`} {
			if !bytes.Contains(raw, []byte(want)) {
				t.Errorf("output lacks %s", want)
			}
		}
	})
	t.Run("ParseMessage without a sink still measures the attachments", func(t *testing.T) {
		m, err := ParseMessage(bytes.NewReader(raw), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if m.Attachments[1].Size != int64(len(binary)) || m.Attachments[1].SHA256 != sum(binary) {
			t.Errorf("attachment 2 = %+v", m.Attachments[1])
		}
	})
}

func TestSampleEnvelope(t *testing.T) {
	t.Parallel()
	var got collector
	m, err := ParseMessageStream(strings.NewReader(readSample(t, "edoc_sample.edxml")), Limits{}, got.sink)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"sender", m.From.OrganID, "000.00.00.H41"},
		{"sender name", m.From.OrganName, "UBND tỉnh Nghệ An"},
		{"recipients", []string{m.To[0].OrganID, m.To[1].OrganID}, []string{"000.00.00.G22", "H41.12"}},
		{"số ký hiệu", m.Code.String(), "12/UBND-VX"},
		{"place", m.Promulgation.Place, "Nghệ An"},
		{"date", m.Promulgation.Date, day(2026, 11, 20)},
		{"type name", m.DocumentType.TypeName, "Công văn"},
		{"subject with an escaped ampersand", m.Subject, "V/v triển khai gửi, nhận văn bản điện tử & báo cáo kết quả năm 2026"},
		{"signer", m.Signer, SignerInfo{Competence: "KT. CHỦ TỊCH", Position: "PHÓ CHỦ TỊCH", FullName: "Nguyễn Văn Đức"}},
		{"due date", m.DueDate, day(2026, 12, 5)},
		{"nơi nhận", m.ToPlaces, []string{"Như trên", "Lưu: VT, VX."}},
		{"priority", m.OtherInfo.Priority, 2},
		{"appendixes", m.OtherInfo.Appendixes, []string{"Phụ lục I: Danh sách đơn vị", "Phụ lục II: Biểu mẫu báo cáo"}},
		{"page amount", m.OtherInfo.PageAmount, 3},
		{"steering type", m.SteeringType, 1},
		{"reply to", m.ResponseFor[0].DocumentID, "000.00.00.G22,2026/10/30,7816/VPCP-TTĐT"},
		{"declared id", m.DeclaredID, "000.00.00.H41,2026/11/20,12/UBND-VX"},
		{"computed id", m.DocumentID(), "000.00.00.H41,2026/11/20,12/UBND-VX"},
		{"trace", m.TraceHeaders, []TraceHeader{{OrganID: "000.00.00.H41", Timestamp: time.Date(2026, 11, 20, 9, 15, 30, 0, vnZone)}}},
		{"business", m.Business.DocType, BusinessNew},
		{"clerk", m.Business.Staff.Staff, "Trần Thị Hằng"},
		{"manifest", len(m.Manifest), 2},
		{"attachment names", got.names, []string{"12_UBND-VX.pdf", "phụ lục.bin"}},
		{"attachment 1 content", string(got.data[0]), "Công văn số 12/UBND-VX (bản PDF giả lập)"},
		{"attachment 2 size", m.Attachments[1].Size, int64(256)},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	t.Run("base64 split over lines with character references decodes whole", func(t *testing.T) {
		for i, b := range got.data[1] {
			if b != byte(i) {
				t.Fatalf("byte %d = %d", i, b)
			}
		}
	})
	t.Run("urgency and kind resolve", func(t *testing.T) {
		u, err := m.Urgency()
		if err != nil || u != UrgencyVeryUrgent {
			t.Errorf("urgency = %q, %v; want thượng khẩn", u, err)
		}
		if k, ok := m.DocumentType.Kind(); !ok || k != KindCongVan || k.Abbreviation() != "" {
			t.Errorf("kind = %v %v", k, ok)
		}
	})
}

func TestDocumentID(t *testing.T) {
	t.Parallel()
	m := &Message{From: Organization{OrganID: "000.00.00.G22"}, Promulgation: PromulgationInfo{Date: day(2015, 9, 30)},
		Code: Code{Number: "7816", Notation: "VPCP-TTĐT"}}
	if got, want := m.DocumentID(), "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"; got != want {
		t.Errorf("DocumentID = %q, want %q", got, want)
	}
	t.Run("is empty while a part is missing", func(t *testing.T) {
		m := *m
		m.Code = Code{}
		if got := m.DocumentID(); got != "" {
			t.Errorf("DocumentID = %q", got)
		}
	})
	t.Run("splits back into its parts", func(t *testing.T) {
		org, date, code, err := ParseDocumentID(m.DocumentID())
		if err != nil || org != "000.00.00.G22" || !date.Equal(day(2015, 9, 30)) || code != m.Code {
			t.Errorf("ParseDocumentID = %q %v %+v %v", org, date, code, err)
		}
	})
	t.Run("refuses an identifier without a date", func(t *testing.T) {
		_, _, _, err := ParseDocumentID("000.00.00.G22,hôm qua,7816/VPCP")
		wantErr(t, err, ErrMalformed, "hôm qua")
	})
}

func TestCheckOrganID(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"000.00.00.H41", "000.01.01.H08", "H41", "H37.02.02", "G09.01", "vxp.saas.03", "020100107370"} {
		if err := CheckOrganID(ok); err != nil {
			t.Errorf("CheckOrganID(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "h41", "000.00.00.h41", "H41..02", "H41.02.", "ubnd nghệ an", strings.Repeat("H", 36), "28.22.H17", "12345"} {
		if err := CheckOrganID(bad); err == nil {
			t.Errorf("CheckOrganID(%q) accepted", bad)
		}
	}
}
