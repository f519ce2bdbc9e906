package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/pdf"
	"github.com/vanthu/vanthu/signer/signertest"
)

// TestVerifyReportsAnOverlayAddedAfterSigning: a FreeText annotation appended over the
// whole first page of a signed PDF is reported, not passed.
func TestVerifyReportsAnOverlayAddedAfterSigning(t *testing.T) {
	t.Parallel()
	signed := signertest.CorpusFile(t, "pades-bes.pdf")
	doc, err := pdf.Open(signed)
	if err != nil {
		t.Fatal(err)
	}
	page := doc.Pages(1)[0]
	annots := append(append(pdf.Array{}, doc.Array(page.Dict.Get("Annots"))...), pdf.Ref{Num: 900})
	var pageDict bytes.Buffer
	pdf.Write(&pageDict, page.Dict.With("Annots", annots))
	overlaid := signertest.AppendUpdate(t, signed, map[int]string{
		page.Ref.Num: pageDict.String(),
		900:          "<< /Type /Annot /Subtype /FreeText /Rect [0 0 595 842] /DA (/Helv 24 Tf 0 g) /Contents (Da huy) /F 4 >>",
	})

	srv := httptest.NewServer(New(Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/api/v1/verify", "application/pdf", bytes.NewReader(overlaid))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Signatures []struct {
			Intact               bool   `json:"intact"`
			ModifiedAfterSigning bool   `json:"modified_after_signing"`
			Indication           string `json:"indication"`
			SubIndication        string `json:"sub_indication"`
			Reason               string `json:"reason"`
			Changes              []struct {
				Kind   string `json:"kind"`
				Detail string `json:"detail"`
			} `json:"changes"`
		} `json:"signatures"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || len(out.Signatures) == 0 {
		t.Fatalf("%d %v %+v", resp.StatusCode, err, out)
	}
	s := out.Signatures[0]
	overlay := false
	for _, c := range s.Changes {
		overlay = overlay || c.Kind == "visible_overlay" && strings.Contains(c.Detail, "page 1")
	}
	if !s.Intact || !s.ModifiedAfterSigning || !overlay || s.Indication != "INDETERMINATE" || s.SubIndication != "SIG_CONSTRAINTS_FAILURE" || s.Reason == "" {
		t.Fatalf("want an intact signature with a visible overlay, INDETERMINATE/SIG_CONSTRAINTS_FAILURE and a reason; got %+v", s)
	}
}
