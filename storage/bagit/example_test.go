package bagit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vanthu/vanthu/storage/bagit"
)

// Export a hồ sơ as a bag, then check it the way the importing instance would.
func Example() {
	parent, _ := os.MkdirTemp("", "bagit-example-")
	defer os.RemoveAll(parent)
	dir := filepath.Join(parent, "H01-2026-0001")
	ctx := context.Background()

	w, err := bagit.NewWriter(dir, bagit.WriterOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Abort() // no-op once Close has published the bag
	_ = w.AddFile(ctx, "Quyết định số 15.pdf", strings.NewReader("%PDF-1.7 …"))
	_ = w.AddTagFile("metadata/record.json", []byte(`{"FileCode":"H01-2026-0001"}`))
	_ = w.SetInfo("Source-Organization", "Ủy ban nhân dân tỉnh Bắc Ninh")
	_ = w.AddInfo("External-Identifier", "H01-2026-0001")
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}

	bag, err := bagit.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	report, err := bag.Validate(ctx, bagit.ValidateOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("valid:", report.Valid())
	for e := range bag.Files() {
		fmt.Println(e.Path, e.Digests["sha256"][:12])
	}
	fmt.Println(bag.InfoValues("Payload-Oxum"))
	// Output:
	// valid: true
	// Quyết định số 15.pdf 64d018db22b8
	// [12.1]
}
