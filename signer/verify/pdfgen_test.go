package verify

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// basePDF builds a small two-page document with one Square annotation on
// page 1, standing in for an official letter (công văn) before signing.
func basePDF() []byte {
	objs := []string{
		1: "<< /Type /Catalog /Pages 2 0 R >>",
		2: "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
		3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> /Annots [8 0 R] >>",
		4: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
		5: streamObj("BT /F1 18 Tf 72 760 Td (Cong van so 12/UBND: cap 500 trieu dong) Tj ET"),
		6: streamObj("BT /F1 18 Tf 72 760 Td (Trang 2) Tj ET"),
		7: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		8: "<< /Type /Annot /Subtype /Square /Rect [100 100 200 200] /P 3 0 R /Contents (ghi chu) >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i := 1; i < len(objs); i++ {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i, objs[i])
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs))
	for i := 1; i < len(objs); i++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offs[i])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs), xref)
	return b.Bytes()
}

func streamObj(content string) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)
}

var startxrefRe = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)

// appendUpdate adds an incremental update redefining or adding the given
// objects, with a classic xref table chained by /Prev to the last one.
func appendUpdate(t testing.TB, doc []byte, objs map[int]string) []byte {
	t.Helper()
	m := startxrefRe.FindSubmatch(doc)
	if m == nil {
		t.Fatal("document does not end with startxref and EOF marker")
	}
	prev, _ := strconv.Atoi(string(m[1]))
	v, err := newView(newPDFFile(doc), len(doc))
	if err != nil {
		t.Fatalf("read document: %v", err)
	}
	size := 0
	for num := range v.entries {
		size = max(size, num+1)
	}
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
		size = max(size, n+1)
	}
	sort.Ints(nums)
	out := bytes.NewBuffer(append([]byte{}, doc...))
	if !bytes.HasSuffix(doc, []byte("\n")) {
		out.WriteString("\n")
	}
	offs := map[int]int{}
	for _, n := range nums {
		offs[n] = out.Len()
		fmt.Fprintf(out, "%d 0 obj\n%s\nendobj\n", n, objs[n])
	}
	xref := out.Len()
	out.WriteString("xref\n")
	for _, n := range nums {
		fmt.Fprintf(out, "%d 1\n%010d 00000 n \n", n, offs[n])
	}
	root := v.trailer["Root"].(pdfRef)
	fmt.Fprintf(out, "trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", size, root.num, prev, xref)
	return out.Bytes()
}

// finalObject returns object num of the document's last revision, and the
// catalog's object number, for building updates that modify them.
func finalObject(t testing.TB, doc []byte, num int) pdfDict {
	t.Helper()
	v, err := newView(newPDFFile(doc), len(doc))
	if err != nil {
		t.Fatalf("read document: %v", err)
	}
	d := v.dict(pdfRef{num: num})
	if d == nil {
		t.Fatalf("object %d not found", num)
	}
	return d
}

func catalogNum(t testing.TB, doc []byte) int {
	t.Helper()
	v, err := newView(newPDFFile(doc), len(doc))
	if err != nil {
		t.Fatalf("read document: %v", err)
	}
	return v.trailer["Root"].(pdfRef).num
}

// serialize writes a parsed object back as PDF syntax.
func serialize(x any) string {
	switch v := x.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case pdfName:
		var sb strings.Builder
		sb.WriteByte('/')
		for _, c := range []byte(v) {
			if c <= ' ' || c >= 0x7f || c == '#' || isDelim(c) {
				fmt.Fprintf(&sb, "#%02x", c)
				continue
			}
			sb.WriteByte(c)
		}
		return sb.String()
	case pdfString:
		return fmt.Sprintf("<%x>", string(v))
	case pdfRef:
		return fmt.Sprintf("%d %d R", v.num, v.gen)
	case pdfArray:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = serialize(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case pdfDict:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, string(k))
		}
		sort.Strings(keys)
		var sb strings.Builder
		sb.WriteString("<<")
		for _, k := range keys {
			fmt.Fprintf(&sb, " /%s %s", k, serialize(v[pdfName(k)]))
		}
		sb.WriteString(" >>")
		return sb.String()
	}
	return "null"
}
