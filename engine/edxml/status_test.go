package edxml

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func fullStatus() StatusMessage {
	return StatusMessage{
		ResponseFor: ResponseFor{OrganID: "000.00.00.H41", Code: "12/UBND-VX", PromulgationDate: day(2026, 11, 20),
			DocumentID: "000.00.00.H41,2026/11/20,12/UBND-VX"},
		From: Organization{OrganID: "000.00.00.G22", OrganName: "Văn phòng Chính phủ", OrganizationInCharge: "Vụ Hành chính",
			OrganAdd: "Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội", Email: "vpcp@chinhphu.vn", Telephone: "080 43100", Fax: "080 44130", Website: "chinhphu.vn"},
		Code:        StatusRejected,
		Description: "Trả lại: gửi nhầm cơ quan, đề nghị gửi Sở Nội vụ <H41.12>",
		Timestamp:   time.Date(2026, 11, 21, 8, 5, 9, 0, vnZone),
		Staff:       StaffInfo{Department: "Phòng Văn thư - Lưu trữ", Staff: "Lê Minh Châu", Mobile: "0987654321", Email: "vt@chinhphu.vn"},
	}
}

func TestStatusRoundTrip(t *testing.T) {
	t.Parallel()
	for code := range statusMeanings {
		t.Run("status "+string(code)+" "+code.Meaning()+" comes back unchanged", func(t *testing.T) {
			t.Parallel()
			sent := fullStatus()
			sent.Code = code
			var buf bytes.Buffer
			if err := BuildStatus(&buf, sent); err != nil {
				t.Fatal(err)
			}
			got, err := ParseStatus(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, sent) {
				t.Errorf("got  %+v\nwant %+v", *got, sent)
			}
		})
	}
}

func TestStatusSample(t *testing.T) {
	t.Parallel()
	sample := readSample(t, "status_sample.xml")
	s, err := ParseStatus(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := StatusMessage{
		ResponseFor: ResponseFor{OrganID: "000.00.00.H41", Code: "12/UBND-VX", PromulgationDate: day(2026, 11, 20),
			DocumentID: "000.00.00.H41,2026/11/20,12/UBND-VX"},
		From:        Organization{OrganID: "000.00.00.G22", OrganName: "Văn phòng Chính phủ"},
		Code:        StatusAccepted,
		Description: "Văn thư đã tiếp nhận, vào sổ văn bản đến số 4521",
		Timestamp:   time.Date(2026, 11, 21, 8, 5, 9, 0, vnZone),
		Staff:       StaffInfo{Department: "Phòng Văn thư - Lưu trữ", Staff: "Lê Minh Châu"},
	}
	if !reflect.DeepEqual(*s, want) {
		t.Errorf("got  %+v\nwant %+v", *s, want)
	}
	if s.Code.Meaning() != "Đã tiếp nhận" {
		t.Errorf("meaning = %q", s.Code.Meaning())
	}

	t.Run("code 14 of one SDK sample reads as 15, đồng ý", func(t *testing.T) {
		t.Parallel()
		s, err := ParseStatus(strings.NewReader(edit(t, sample, ">03<", ">14<")))
		if err != nil || s.Code != StatusChangeAccepted {
			t.Errorf("code = %v, %v; want 15", s, err)
		}
	})
	t.Run("a bare Status element is read too", func(t *testing.T) {
		t.Parallel()
		start := strings.Index(sample, "<edXML:Status ")
		end := strings.Index(sample, "</edXML:Status>") + len("</edXML:Status>")
		s, err := ParseStatus(strings.NewReader(sample[start:end]))
		if err != nil || s.Code != StatusAccepted {
			t.Errorf("got %+v, %v", s, err)
		}
	})
}

func TestStatusRefuses(t *testing.T) {
	t.Parallel()
	sample := readSample(t, "status_sample.xml")
	parse := []struct {
		name, input string
		kind        error
		mentions    string
	}{
		{"an unknown code", edit(t, sample, ">03<", ">99<"), ErrMalformed, "Status/StatusCode"},
		{"a missing code", edit(t, sample, "<edXML:StatusCode>03</edXML:StatusCode>", ""), ErrMissing, "Status/StatusCode"},
		{"a missing sender", edit(t, sample, "<edXML:OrganId>000.00.00.G22</edXML:OrganId>", ""), ErrMissing, "Status/From/OrganId"},
		{"a missing document reference", edit(t, edit(t, sample, "<edXML:DocumentId>000.00.00.H41,2026/11/20,12/UBND-VX</edXML:DocumentId>", ""),
			"<edXML:Code>12/UBND-VX</edXML:Code>", ""), ErrMissing, "Status/ResponseFor"},
		{"a bad timestamp", edit(t, sample, "21/11/2026 08:05:09", "sáng nay"), ErrMalformed, "Timestamp"},
		{"a message with no Status", `<SOAP-ENV:Envelope xmlns:SOAP-ENV="x"><SOAP-ENV:Header/></SOAP-ENV:Envelope>`, ErrMissing, "Status"},
		{"a DOCTYPE", "<!DOCTYPE x>" + sample[strings.Index(sample, "<SOAP"):], ErrDoctype, ""},
		{"deep nesting", edit(t, sample, "<edXML:Description>", strings.Repeat("<x>", 20)+strings.Repeat("</x>", 20)+"<edXML:Description>"), ErrLimit, "nested"},
		{"a huge status", edit(t, sample, "vào sổ", strings.Repeat("x", 2<<20)), ErrLimit, "larger than"},
	}
	for _, c := range parse {
		t.Run("parse refuses "+c.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseStatus(strings.NewReader(c.input))
			wantErr(t, err, c.kind, c.mentions)
		})
	}
	build := []struct {
		name     string
		change   func(*StatusMessage)
		kind     error
		mentions string
	}{
		{"a rejection without reason", func(s *StatusMessage) { s.Description = " " }, ErrMissing, "must give its reason"},
		{"a code outside the list", func(s *StatusMessage) { s.Code = "07" }, ErrMalformed, `"07"`},
		{"a status without time", func(s *StatusMessage) { s.Timestamp = time.Time{} }, ErrMissing, "Timestamp"},
		{"a status without sender", func(s *StatusMessage) { s.From.OrganID = "" }, ErrMissing, "From/OrganId"},
	}
	for _, c := range build {
		t.Run("build refuses "+c.name, func(t *testing.T) {
			t.Parallel()
			s := fullStatus()
			c.change(&s)
			var out bytes.Buffer
			wantErr(t, BuildStatus(&out, s), c.kind, c.mentions)
			if out.Len() != 0 {
				t.Errorf("wrote %d bytes before refusing", out.Len())
			}
		})
	}
}
