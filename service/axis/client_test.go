package axis_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vanthu/vanthu/service/axis"
	"github.com/vanthu/vanthu/service/axis/axistest"
	"github.com/vanthu/vanthu/service/axis/emulator"
)

const (
	province = "000.00.00.H23"
	district = "H23.11"
	ministry = "000.00.00.G07"
	office   = "000.00.00.G22"
)

// testConfig is a province's system and a ministry's, two agencies each.
func testConfig() emulator.Config {
	return emulator.Config{Systems: []emulator.System{
		{ID: "tinh", Secret: "bí-mật-của-tỉnh", Agencies: []axis.Agency{
			{Code: province, Name: "Ủy ban nhân dân tỉnh Hòa Bình"},
			{Code: district, Name: "Ủy ban nhân dân huyện Mai Châu", ParentCode: province}}},
		{ID: "bo", Secret: "bí-mật-của-bộ", Agencies: []axis.Agency{
			{Code: ministry, Name: "Bộ Tư pháp"},
			{Code: office, Name: "Văn phòng Chính phủ"}}},
	}}
}

type pair struct{ tinh, bo *axis.Client }

func clients(t *testing.T, url string) pair {
	return pair{axistest.Client(t, url, "tinh", "bí-mật-của-tỉnh"), axistest.Client(t, url, "bo", "bí-mật-của-bộ")}
}

func edxml(subject string) []byte {
	return []byte("\ufeff<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<edXML:edXMLEnvelope xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">" +
		"<edXML:Subject>" + subject + "</edXML:Subject></edXML:edXMLEnvelope>")
}

func send(t *testing.T, c *axis.Client, typ axis.MessageType, from, key string, body []byte, to ...string) []axis.Package {
	t.Helper()
	pkgs, err := c.Send(context.Background(), axis.Outgoing{Type: typ, From: from, To: to, Key: key,
		Body: bytes.NewReader(body), Size: int64(len(body))})
	if err != nil {
		t.Fatalf("send %s to %v: %v", key, to, err)
	}
	return pkgs
}

func received(t *testing.T, c *axis.Client) []axis.Package {
	t.Helper()
	list, err := c.Received(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func sent(t *testing.T, c *axis.Client) map[string]axis.Package {
	t.Helper()
	list, err := c.Sent(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]axis.Package{}
	for _, p := range list {
		out[p.ID] = p
	}
	return out
}

func fetch(t *testing.T, c *axis.Client, id string) []byte {
	t.Helper()
	rc, err := c.Fetch(context.Background(), id)
	if err != nil {
		t.Fatalf("fetch %s: %v", id, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	return b
}

func TestDirectory(t *testing.T) {
	t.Parallel()
	c := clients(t, axistest.Start(t, testConfig()))
	ctx := context.Background()
	list, err := c.tinh.Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{}
	for _, a := range list {
		owners[a.Code] = a.SystemID
	}
	want := map[string]string{province: "tinh", district: "tinh", ministry: "bo", office: "bo"}
	if fmt.Sprint(owners) != fmt.Sprint(want) {
		t.Fatalf("directory = %v, want %v", owners, want)
	}

	finance := axis.Agency{Code: "000.00.00.G12", Name: "Bộ Tài chính", Email: "vanthu@mof.gov.vn"}
	if err := c.bo.RegisterAgency(ctx, finance); err != nil {
		t.Fatal(err)
	}
	finance.Name = "Bộ Tài chính (cập nhật)"
	if err := c.bo.RegisterAgency(ctx, finance); err != nil {
		t.Fatal(err)
	}
	list, _ = c.tinh.Agencies(ctx)
	var got []string
	for _, a := range list {
		if a.Code == finance.Code {
			got = append(got, a.Name+"/"+a.SystemID+"/"+a.Email)
		}
	}
	if len(got) != 1 || got[0] != "Bộ Tài chính (cập nhật)/bo/vanthu@mof.gov.vn" {
		t.Fatalf("registered agency listed as %v", got)
	}

	// An agency of another system cannot be taken over; a bad code is refused before sending.
	err = c.bo.RegisterAgency(ctx, axis.Agency{Code: province, Name: "Chiếm quyền"})
	if !errors.Is(err, axis.ErrRejected) || !strings.Contains(err.Error(), "another system") {
		t.Fatalf("taking over another system's agency: %v", err)
	}
	for _, a := range []axis.Agency{{Code: "a b", Name: "x"}, {Code: "G13", Name: ""}} {
		if err := c.bo.RegisterAgency(ctx, a); !errors.Is(err, axis.ErrRejected) {
			t.Errorf("register %+v: %v, want ErrRejected", a, err)
		}
	}
}

func TestStoreAndForward(t *testing.T) {
	t.Parallel()
	c := clients(t, axistest.Start(t, testConfig()))
	ctx := context.Background()
	body := edxml("Về việc phối hợp thực hiện Đề án 06")
	before := time.Now().Add(-time.Second)
	pkgs := send(t, c.tinh, axis.TypeDocument, province, "doc-1/edoc", body, ministry, office)
	if len(pkgs) != 2 || pkgs[0].ID == pkgs[1].ID || pkgs[0].To != ministry || pkgs[1].To != office {
		t.Fatalf("send to two recipients returned %+v", pkgs)
	}
	for _, p := range pkgs {
		if p.State != axis.StatePending || p.From != province || p.Size != int64(len(body)) || p.Created.Before(before) {
			t.Errorf("package %+v", p)
		}
	}
	if got := received(t, c.tinh); len(got) != 0 {
		t.Fatalf("the sender's own inbox has %d packages", len(got))
	}
	inbox := received(t, c.bo)
	if len(inbox) != 2 || inbox[0].ID != pkgs[0].ID || inbox[1].ID != pkgs[1].ID {
		t.Fatalf("ministry's inbox %+v, want the two packages in order", inbox)
	}
	for _, p := range inbox {
		if got := fetch(t, c.bo, p.ID); !bytes.Equal(got, body) {
			t.Fatalf("fetched %q, want the exact bytes sent", got)
		}
	}
	if _, err := c.tinh.Fetch(ctx, pkgs[0].ID); !errors.Is(err, axis.ErrNotFound) {
		t.Fatalf("the sender fetching the recipient's package: %v, want ErrNotFound", err)
	}

	// processing keeps a package listed; done and fail take it off and show at the sender.
	if err := c.bo.Acknowledge(ctx, pkgs[0].ID, axis.StateProcessing, ""); err != nil {
		t.Fatal(err)
	}
	if inbox := received(t, c.bo); len(inbox) != 2 || inbox[0].State != axis.StateProcessing {
		t.Fatalf("after processing: %+v", inbox)
	}
	if err := c.bo.Acknowledge(ctx, pkgs[0].ID, axis.StateDone, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.bo.Acknowledge(ctx, pkgs[1].ID, axis.StateFail, "Gói tin thiếu chữ ký số"); err != nil {
		t.Fatal(err)
	}
	if inbox := received(t, c.bo); len(inbox) != 0 {
		t.Fatalf("acknowledged packages still listed: %+v", inbox)
	}
	out := sent(t, c.tinh)
	if out[pkgs[0].ID].State != axis.StateDone || out[pkgs[1].ID].State != axis.StateFail ||
		out[pkgs[1].ID].Reason != "Gói tin thiếu chữ ký số" || len(out) != 2 {
		t.Fatalf("sender's view: %+v", out)
	}
	if len(sent(t, c.bo)) != 0 {
		t.Fatal("the recipient lists the sender's packages as its own")
	}
	// A receiver retrying its acknowledgement is fine; changing its mind is not.
	if err := c.bo.Acknowledge(ctx, pkgs[0].ID, axis.StateDone, ""); err != nil {
		t.Fatalf("acknowledging done twice: %v", err)
	}
	if err := c.bo.Acknowledge(ctx, pkgs[0].ID, axis.StateFail, "đổi ý"); !errors.Is(err, axis.ErrRejected) {
		t.Fatalf("done then fail: %v, want ErrRejected", err)
	}
	if err := c.tinh.Acknowledge(ctx, pkgs[0].ID, axis.StateDone, ""); !errors.Is(err, axis.ErrNotFound) {
		t.Fatalf("the sender acknowledging: %v, want ErrNotFound", err)
	}

	// The same key sends nothing again, even to the acknowledged recipients.
	again := send(t, c.tinh, axis.TypeDocument, province, "doc-1/edoc", body, ministry, office)
	if again[0].ID != pkgs[0].ID || again[1].ID != pkgs[1].ID || again[0].State != axis.StateDone {
		t.Fatalf("resend with the same key returned %+v", again)
	}
	if len(sent(t, c.tinh)) != 2 || len(received(t, c.bo)) != 0 {
		t.Fatal("resend with the same key stored something")
	}

	// A status travels back like a document, to the province's system.
	status := send(t, c.bo, axis.TypeStatus, ministry, "doc-1/status/03", edxml("03"), province)
	inbox = received(t, c.tinh)
	if len(inbox) != 1 || inbox[0].ID != status[0].ID || inbox[0].Type != axis.TypeStatus || inbox[0].From != ministry {
		t.Fatalf("province's inbox %+v", inbox)
	}
}

func TestConcurrentSendsWithOneKeyStoreOnce(t *testing.T) {
	t.Parallel()
	c := clients(t, axistest.Start(t, testConfig()))
	var wg sync.WaitGroup
	ids := make([]string, 8)
	errs := make([]error, 8)
	for i := range ids {
		wg.Go(func() {
			body := edxml(fmt.Sprintf("lần gửi %d", i))
			pkgs, err := c.tinh.Send(context.Background(), axis.Outgoing{Type: axis.TypeDocument, From: district,
				To: []string{ministry}, Key: "same", Body: bytes.NewReader(body), Size: -1})
			if err == nil {
				ids[i] = pkgs[0].ID
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range ids {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("send %d: %v, id %s, want %s", i, errs[i], ids[i], ids[0])
		}
	}
	if n := len(received(t, c.bo)); n != 1 {
		t.Fatalf("%d packages for one key", n)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	c := clients(t, axistest.Start(t, testConfig()))
	ctx := context.Background()
	body := edxml("x")
	out := axis.Outgoing{Type: axis.TypeDocument, From: province, To: []string{ministry, "28.22.H17"}, Key: "k",
		Body: bytes.NewReader(body), Size: int64(len(body))}
	_, err := c.tinh.Send(ctx, out)
	var axisErr *axis.Error
	if !errors.Is(err, axis.ErrUnknownAgency) || !errors.As(err, &axisErr) ||
		len(axisErr.Refused) != 1 || axisErr.Refused[0].To != "28.22.H17" || !strings.Contains(axisErr.Refused[0].Reason, "danh bạ") {
		t.Fatalf("send to an unknown agency: %v", err)
	}
	if len(received(t, c.bo)) != 0 || len(sent(t, c.tinh)) != 0 {
		t.Fatal("a refused send stored packages")
	}

	tries := map[string]struct {
		out  axis.Outgoing
		want error
	}{
		"sender of another system": {axis.Outgoing{Type: axis.TypeDocument, From: ministry, To: []string{district}}, axis.ErrUnauthorized},
		"not XML":                  {axis.Outgoing{Type: axis.TypeDocument, From: province, To: []string{ministry}, Body: strings.NewReader("%PDF-1.7")}, axis.ErrRejected},
		"empty body":               {axis.Outgoing{Type: axis.TypeDocument, From: province, To: []string{ministry}, Body: strings.NewReader("")}, axis.ErrRejected},
		"bad type":                 {axis.Outgoing{Type: "fax", From: province, To: []string{ministry}}, axis.ErrRejected},
		"no recipient":             {axis.Outgoing{Type: axis.TypeDocument, From: province}, axis.ErrRejected},
		"recipient twice":          {axis.Outgoing{Type: axis.TypeDocument, From: province, To: []string{ministry, ministry}}, axis.ErrRejected},
	}
	for name, try := range tries {
		if try.out.Body == nil {
			try.out.Body = bytes.NewReader(body)
		}
		if _, err := c.tinh.Send(ctx, try.out); !errors.Is(err, try.want) {
			t.Errorf("%s: %v, want %v", name, err, try.want)
		}
	}
	if len(received(t, c.bo)) != 0 || len(received(t, c.tinh)) != 0 {
		t.Fatal("a refused send stored packages")
	}
}

func TestUnauthorized(t *testing.T) {
	t.Parallel()
	url := axistest.Start(t, testConfig())
	for _, c := range []*axis.Client{axistest.Client(t, url, "tinh", "bí-mật-của-bộ"), axistest.Client(t, url, "ai-đó", "x"),
		axistest.Client(t, url, "tinh", "")} {
		if _, err := c.Received(context.Background()); !errors.Is(err, axis.ErrUnauthorized) {
			t.Errorf("received with wrong credentials: %v, want ErrUnauthorized", err)
		}
		if _, err := c.Agencies(context.Background()); !errors.Is(err, axis.ErrUnauthorized) {
			t.Errorf("agencies with wrong credentials: %v, want ErrUnauthorized", err)
		}
	}
}

func TestOversizedPackageIsRefusedAndNotStored(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.MaxBody = 4096
	srv := axistest.StartServer(t, t.TempDir(), cfg)
	c := clients(t, srv.URL)
	big := append(edxml("lớn"), bytes.Repeat([]byte("<x/>"), 1100)...)
	huge := append(edxml("rất lớn"), bytes.Repeat([]byte("<x/>"), 1<<20)...)
	for i, try := range []struct {
		body []byte
		size int64
	}{{big, int64(len(big))}, {big, -1}, {huge, int64(len(huge))}, {huge, -1}} { // announced, and streamed without a length
		_, err := c.tinh.Send(context.Background(), axis.Outgoing{Type: axis.TypeDocument, From: province,
			To: []string{ministry}, Key: fmt.Sprint("big", i), Body: bytes.NewReader(try.body), Size: try.size})
		var axisErr *axis.Error
		if !errors.Is(err, axis.ErrRejected) || !errors.As(err, &axisErr) || axisErr.Status != 413 {
			t.Fatalf("%d bytes, size %d: %v, want 413", len(try.body), try.size, err)
		}
	}
	if len(received(t, c.bo)) != 0 {
		t.Fatal("an oversized package was stored")
	}
	for _, d := range []string{"bodies", "tmp"} {
		if files, _ := os.ReadDir(filepath.Join(srv.Dir, d)); len(files) != 0 {
			t.Fatalf("%s holds %d files after refused sends", d, len(files))
		}
	}
	// Just under the limit goes through.
	send(t, c.tinh, axis.TypeDocument, province, "fits", big[:4096], ministry)
}

func TestRestartKeepsEverything(t *testing.T) {
	t.Parallel()
	srv := axistest.StartServer(t, t.TempDir(), testConfig())
	c := clients(t, srv.URL)
	ctx := context.Background()
	if err := c.bo.RegisterAgency(ctx, axis.Agency{Code: "000.00.00.G12", Name: "Bộ Tài chính"}); err != nil {
		t.Fatal(err)
	}
	first := send(t, c.tinh, axis.TypeDocument, province, "a", edxml("một"), ministry, "000.00.00.G12")
	second := send(t, c.tinh, axis.TypeDocument, district, "b", edxml("hai"), office)
	if err := c.bo.Acknowledge(ctx, first[0].ID, axis.StateDone, ""); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if _, err := c.bo.Received(ctx); !errors.Is(err, axis.ErrUnavailable) {
		t.Fatalf("received from a stopped axis: %v, want ErrUnavailable", err)
	}
	_, err := c.tinh.Send(ctx, axis.Outgoing{Type: axis.TypeDocument, From: province, To: []string{ministry},
		Key: "c", Body: bytes.NewReader(edxml("ba")), Size: -1})
	if !errors.Is(err, axis.ErrUnavailable) {
		t.Fatalf("send to a stopped axis: %v, want ErrUnavailable", err)
	}
	srv.Start()

	inbox := received(t, c.bo)
	if len(inbox) != 2 || inbox[0].ID != first[1].ID || inbox[1].ID != second[0].ID {
		t.Fatalf("after restart the inbox is %+v", inbox)
	}
	if got := fetch(t, c.bo, second[0].ID); !bytes.Equal(got, edxml("hai")) {
		t.Fatalf("after restart fetched %q", got)
	}
	if out := sent(t, c.tinh); len(out) != 3 || out[first[0].ID].State != axis.StateDone {
		t.Fatalf("after restart the sender sees %+v", out)
	}
	again := send(t, c.tinh, axis.TypeDocument, province, "a", edxml("một"), ministry, "000.00.00.G12")
	if again[0].ID != first[0].ID || again[1].ID != first[1].ID || len(sent(t, c.tinh)) != 3 {
		t.Fatal("a resend after restart stored new packages")
	}
	// A big package replayed is answered without its upload, on a connection that stays usable.
	big := append(edxml("lớn"), bytes.Repeat([]byte("<x/>"), 1<<19)...)
	bigPkgs := send(t, c.tinh, axis.TypeDocument, province, "big", big, ministry)
	for range 3 {
		if again := send(t, c.tinh, axis.TypeDocument, province, "big", big, ministry); again[0].ID != bigPkgs[0].ID {
			t.Fatal("a replayed big package was stored again")
		}
	}
	if got := fetch(t, c.bo, bigPkgs[0].ID); !bytes.Equal(got, big) {
		t.Fatalf("fetched %d bytes of %d", len(got), len(big))
	}
}

func TestContextEndsACall(t *testing.T) {
	t.Parallel()
	c := clients(t, axistest.Start(t, testConfig()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.tinh.Received(ctx)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, axis.ErrUnavailable) {
		t.Fatalf("cancelled call: %v", err)
	}
}

func TestKeyAddsOnlyNewRecipients(t *testing.T) {
	t.Parallel()
	c := clients(t, axistest.Start(t, testConfig()))
	first := send(t, c.tinh, axis.TypeDocument, province, "k", edxml("một"), ministry)
	both := send(t, c.tinh, axis.TypeDocument, province, "k", edxml("một"), office, ministry)
	if len(both) != 2 || both[1].ID != first[0].ID || both[0].ID == first[0].ID || both[0].To != office {
		t.Fatalf("adding a recipient under the same key: %+v (first %+v)", both, first)
	}
	// The key is the sending system's: another system's same key is another send.
	other := send(t, c.bo, axis.TypeDocument, ministry, "k", edxml("khác"), province)
	if len(sent(t, c.tinh)) != 2 || len(sent(t, c.bo)) != 1 || other[0].ID == first[0].ID {
		t.Fatal("keys of two systems mixed")
	}
}
