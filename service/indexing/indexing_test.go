package indexing_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/search"
	"github.com/vanthu/vanthu/service/indexing"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/storage/blob"
)

// fileStore is the one lookup Text makes of the store.
type fileStore struct {
	engine.Store
	files []engine.File
}

func (s fileStore) FileListByDocument(context.Context, string) ([]engine.File, error) {
	return s.files, nil
}

func TestScansAreIndexedThroughOCR(t *testing.T) {
	t.Parallel()
	signertest.Tool(t, "tesseract")
	pdf, _, err := docpdf.Render(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "QĐ-UBND", Place: "Hòa Bình",
		Type: "Quyết định", Summary: "Phê duyệt kế hoạch chuyển đổi số", Body: docpdf.Text("Điều 1. Phê duyệt kế hoạch."),
		Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Nguyễn Văn Chiến"}})
	if err != nil {
		t.Fatal(err)
	}
	scan := signertest.ScanOf(t, pdf)
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	obj, err := blobs.Put(context.Background(), bytes.NewReader(scan), blob.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	store := fileStore{files: []engine.File{{Name: "scan.pdf", BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size}}}
	ix, err := indexing.New(indexing.Config{Engine: engine.New(store), Store: store, Blobs: blobs})
	if err != nil {
		t.Fatal(err)
	}
	text := search.Fold(ix.Text(context.Background(), engine.Document{ID: "x"}))
	for _, want := range []string{"quyet dinh", "hoa binh", "chuyen doi so"} {
		if !strings.Contains(text, want) {
			t.Errorf("OCR text lacks %q:\n%s", want, text)
		}
	}
}
