package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDemoPrintsWhoDidWhatInVietnamese: `vanthu demo` tells the fortnight as the README
// promises — who did what and when, where the directive stands with each district, what
// is overdue, whether the audit chains hold — in Vietnamese only, with the web UI's names
// of states; `vanthu search` names states the same way.
func TestDemoPrintsWhoDidWhatInVietnamese(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--data", data, "--log-level", "error"}, &out, &errOut); code != 0 {
		t.Fatalf("vanthu demo: exit %d\n%s", code, errOut.String())
	}
	text := out.String()
	for _, want := range []string{
		"Ai đã làm gì",
		"Thứ Hai, ngày ", // days, in order
		"08:00  UBND tỉnh Hòa Bình — Chuyên viên ",                            // the specialist drafts at 8 in the morning
		"— Phó lãnh đạo ",                                                     // the vice-chairman signs
		": duyệt và ký số (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH)",                       // … on behalf of the chairman
		": cấp số 01/CT-UBND, ký số và đóng dấu của cơ quan, phát hành tới 4", // the clerk issues
		"Đã xử lý xong", "Đang xử lý", // the districts, as the web UI says it
		"Việc quá hạn: ",
		"chuỗi băm của các cơ quan toàn vẹn",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo's report lacks %q:\n%s", want, text)
		}
	}
	if english := regexp.MustCompile(`\b(done|in_progress|delivered|registered|true|false)\b`).FindString(text); english != "" {
		t.Errorf("the Vietnamese report says %q", english)
	}
	if n := strings.Count(text, "\n"); n < 40 {
		t.Errorf("%d lines: totals rather than who did what?\n%s", n, text)
	}

	out.Reset()
	if code := run(context.Background(), []string{"search", "--data", data, "--log-level", "error", "--user", "vanthu.maichau", "chi thi"},
		&out, &errOut); code != 0 {
		t.Fatalf("vanthu search: exit %d\n%s", code, errOut.String())
	}
	if s := out.String(); !strings.Contains(s, "01/CT-UBND") || !strings.Contains(s, "Hoàn thành") ||
		regexp.MustCompile(`\b(completed|dispatched|in_progress)\b`).MatchString(s) {
		t.Errorf("search does not name the states in Vietnamese:\n%s", s)
	}

	t.Run("VerifyGivesTheReasonOfAnInvalidSignature", func(t *testing.T) {
		signed := signedDemoPDF(t, data)
		i := bytes.Index(signed[2000:], []byte("stream")) + 2000
		signed[i+300] ^= 1 // a byte of the signed page content
		file := filepath.Join(t.TempDir(), "sua-sau-khi-ky.pdf")
		if err := os.WriteFile(file, signed, 0o600); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"verify", "--offline", "--lang", "vi", "--data", data, file}, &out, &errOut); code != 1 {
			t.Fatalf("verify of a changed document: exit %d\n%s", code, out.String())
		}
		for _, want := range []string{"Nguyên vẹn:            không", "KHÔNG HỢP LỆ (TOTAL_FAILED / HASH_FAILURE)",
			"Lý do:                 nội dung văn bản đã bị thay đổi sau khi ký"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("the report lacks %q:\n%s", want, out.String())
			}
		}
	})
}

// signedDemoPDF is one of the signed PDFs the demo stored.
func signedDemoPDF(t *testing.T, data string) []byte {
	t.Helper()
	var found []byte
	err := filepath.WalkDir(filepath.Join(data, "blobs", "sha256"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte("/ByteRange")) {
			found = b
		}
		return err
	})
	if err != nil || found == nil {
		t.Fatalf("no signed PDF in the demo's blobs (%v)", err)
	}
	return found
}
