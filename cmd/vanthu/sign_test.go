package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/signer/signertest"
)

func pngOf(t *testing.T, c color.NRGBA, round bool) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 120, 120))
	for y := range 120 {
		for x := range 120 {
			dx, dy := x-60, y-60
			if !round || dx*dx+dy*dy < 55*55 {
				if round || (y > 40 && y < 80) {
					img.Set(x, y, c)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSignCommand signs as the leader (visible, B-T) and then as the agency (seal,
// B-LTA) with PKCS#12 files from the demo CA, and checks the result with poppler and qpdf.
func TestSignCommand(t *testing.T) {
	pdfsig, qpdf := signertest.Tool(t, "pdfsig"), signertest.Tool(t, "qpdf")
	dir := t.TempDir()
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer srv.Close()
	ca, err := pkidemo.New(filepath.Join(dir, "ca"), pkidemo.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	handler = ca.Handler()
	leader, err := ca.IssuePerson("Nguyễn Văn Chiến", "chien@hoabinh.gov.vn")
	if err != nil {
		t.Fatal(err)
	}
	agency, err := ca.IssueAgency("Ủy ban nhân dân tỉnh Hòa Bình", "H23")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	leaderP12, _ := leader.PKCS12("mật-khẩu")
	agencyP12, _ := agency.PKCS12("mật-khẩu")
	in := write("in.pdf", signertest.OnePagePDF())
	write("leader.p12", leaderP12)
	write("agency.p12", agencyP12)
	write("sig.png", pngOf(t, color.NRGBA{0, 0, 200, 255}, false))
	write("seal.png", pngOf(t, color.NRGBA{220, 0, 0, 200}, true))
	t.Setenv("VANTHU_KEY_PASSWORD", "mật-khẩu")

	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"sign", "--in", in, "--out", filepath.Join(dir, "leader.pdf"),
		"--key", filepath.Join(dir, "leader.p12"), "--level", "B-T", "--tsa", srv.URL + "/tsa",
		"--appearance", "leader", "--title", "KT. CHỦ TỊCH", "--title", "PHÓ CHỦ TỊCH",
		"--signer-name", "Nguyễn Văn Chiến", "--signature-image", filepath.Join(dir, "sig.png")}, &out, &errOut)
	if code != 0 {
		t.Fatalf("leader sign: exit %d: %s", code, errOut.String())
	}
	rect := regexp.MustCompile(`at ([0-9.,]+) `).FindStringSubmatch(out.String())
	if rect == nil {
		t.Fatalf("no image rectangle printed: %s", out.String())
	}
	code = run(context.Background(), []string{"sign", "--in", filepath.Join(dir, "leader.pdf"), "--out", filepath.Join(dir, "agency.pdf"),
		"--key", filepath.Join(dir, "agency.p12"), "--level", "B-LTA", "--tsa", srv.URL + "/tsa",
		"--appearance", "agency", "--seal-image", filepath.Join(dir, "seal.png"), "--over", rect[1]}, &out, &errOut)
	if code != 0 {
		t.Fatalf("agency sign: exit %d: %s", code, errOut.String())
	}
	final := filepath.Join(dir, "agency.pdf")
	if b, err := exec.Command(qpdf, "--check", final).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, b)
	}
	report, _ := exec.Command(pdfsig, "-nocert", final).CombinedOutput()
	if n := strings.Count(string(report), "Signature is Valid"); n < 2 {
		t.Fatalf("pdfsig finds %d valid signatures, want the leader's and the agency's:\n%s", n, report)
	}
	if !strings.Contains(string(report), "ETSI.CAdES.detached") {
		t.Fatalf("not PAdES:\n%s", report)
	}

	t.Run("ExtendRaisesABTSignatureToBLTA", func(t *testing.T) {
		var out, errOut bytes.Buffer
		lta := filepath.Join(dir, "leader-lta.pdf")
		code := run(context.Background(), []string{"extend", "--in", filepath.Join(dir, "leader.pdf"), "--out", lta,
			"--level", "B-LTA", "--tsa", srv.URL + "/tsa"}, &out, &errOut)
		if code != 0 {
			t.Fatalf("extend: exit %d: %s", code, errOut.String())
		}
		b, _ := os.ReadFile(lta)
		if !bytes.Contains(b, []byte("/DocTimeStamp")) || !bytes.Contains(b, []byte("/DSS")) {
			t.Fatal("B-LTA needs a DSS and a document timestamp")
		}
		if report, _ := exec.Command(pdfsig, "-nocert", lta).CombinedOutput(); !strings.Contains(string(report), "Signature is Valid") {
			t.Fatalf("the leader's signature broke:\n%s", report)
		}
	})

	t.Run("WrongPasswordFailsWithoutLeakingIt", func(t *testing.T) {
		t.Setenv("VANTHU_KEY_PASSWORD", "sai-mật-khẩu")
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"sign", "--in", in, "--out", filepath.Join(dir, "x.pdf"),
			"--key", filepath.Join(dir, "leader.p12")}, &out, &errOut)
		if code == 0 || strings.Contains(errOut.String(), "sai-mật-khẩu") {
			t.Fatalf("exit %d, stderr %q", code, errOut.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "x.pdf")); err == nil {
			t.Fatal("a failed signing left an output file")
		}
	})

	t.Run("NotAPDFIsRefused", func(t *testing.T) {
		notPDF := write("note.txt", []byte("không phải PDF"))
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"sign", "--in", notPDF, "--out", filepath.Join(dir, "y.pdf"),
			"--key", filepath.Join(dir, "leader.p12")}, &out, &errOut); code == 0 {
			t.Fatal("signing a text file succeeded")
		}
	})
}
