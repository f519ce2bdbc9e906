package signer_test

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"reflect"
	"testing"

	"github.com/vanthu/vanthu/signer"
)

func TestParseDNDecodesVietnameseCertificateSubjects(t *testing.T) {
	t.Parallel()
	uid := asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}
	orgID := asn1.ObjectIdentifier{2, 5, 4, 97}
	name := pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
		{Type: asn1.ObjectIdentifier{2, 5, 4, 6}, Value: "VN"},
		{Type: asn1.ObjectIdentifier{2, 5, 4, 8}, Value: "Hòa Bình"},
		{Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: "UBND tỉnh Hòa Bình, Văn phòng"},
		{Type: orgID, Value: "H23"},
		{Type: uid, Value: "CCCD:017090001234"},
		{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "Nguyễn Văn A"},
	}}
	dn := name.String()
	got, err := signer.ParseDN(dn)
	if err != nil {
		t.Fatalf("%s: %v", dn, err)
	}
	want := []signer.NameField{{Key: "CN", Value: "Nguyễn Văn A"}, {Key: "CCCD", Value: "017090001234"},
		{Key: "ORGID", Value: "H23"}, {Key: "O", Value: "UBND tỉnh Hòa Bình, Văn phòng"}, {Key: "ST", Value: "Hòa Bình"},
		{Key: "C", Value: "VN"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s\n got %+v\nwant %+v", dn, got, want)
	}
	if o := signer.DNField(dn, "O"); o != "UBND tỉnh Hòa Bình, Văn phòng" {
		t.Fatalf("O = %q", o)
	}
	// The raw form the issue showed: an organizationIdentifier as PrintableString "H23".
	if got, err := signer.ParseDN("2.5.4.97=#1303483233,CN=Sở Nội vụ"); err != nil ||
		!reflect.DeepEqual(got, []signer.NameField{{Key: "ORGID", Value: "H23"}, {Key: "CN", Value: "Sở Nội vụ"}}) {
		t.Fatalf("raw: %+v, %v", got, err)
	}
	if _, err := signer.ParseDN("CN=x,2.5.4.97=#zz"); err == nil {
		t.Fatal("bad hex accepted")
	}
}
