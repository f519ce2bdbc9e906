package keyring_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/signer/verify"
)

// TestSignAsLeaderWithAToken signs with a key that never leaves a PKCS#11 token
// (SoftHSM2), the way a leader's USB token is used: the PIN is asked per signature.
// Not parallel: SoftHSM2 reads its configuration from the environment.
func TestSignAsLeaderWithAToken(t *testing.T) {
	util := signertest.Tool(t, "softhsm2-util")
	module := ""
	for _, p := range []string{"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"} {
		if _, err := os.Stat(p); err == nil {
			module = p
		}
	}
	if module == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SoftHSM2 module missing in CI")
		}
		t.Skip("SoftHSM2 module missing")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	must(t, os.MkdirAll(filepath.Join(dir, "tokens"), 0o700))
	must(t, os.WriteFile(conf, []byte("directories.tokendir = "+filepath.Join(dir, "tokens")+"\nobjectstore.backend = file\n"), 0o600))
	t.Setenv("SOFTHSM2_CONF", conf)

	b := setup(t, openSQLite(t))
	ctx := context.Background()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	issued, err := b.ca.IssuePerson("Đinh Quang Khánh", "", pkidemo.WithPublicKey(key.Public()))
	must(t, err)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM := filepath.Join(dir, "key.pem")
	must(t, os.WriteFile(keyPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	for _, args := range [][]string{
		{"--init-token", "--free", "--label", "lanh-dao", "--pin", "246810", "--so-pin", "13579"},
		{"--import", keyPEM, "--token", "lanh-dao", "--label", "ky-so", "--id", "01", "--pin", "246810"},
	} {
		if out, err := exec.Command(util, args...).CombinedOutput(); err != nil {
			t.Fatalf("softhsm2-util %v: %v\n%s", args, err, out)
		}
	}
	must(t, os.Remove(keyPEM))

	// The leader's token replaces the file key the setup gave them.
	old, err := b.store.SigningKeyGetActive(ctx, engine.KeyOwnerUser, b.leader.UserID)
	must(t, err)
	must(t, b.eng.RevokeSigningKey(ctx, engine.System, old.ID))
	_, err = b.kr.AddPKCS11(ctx, b.leader, keyring.User(b.leader.UserID), module, "lanh-dao", "ky-so",
		append([]*x509.Certificate{issued.Certificate}, issued.Chain...), nil)
	must(t, err)

	doc := b.approvedDraft(t, true)
	if _, err := b.kr.SignAsLeader(ctx, b.leader, doc.ID, "000000", ""); !errors.Is(err, keyring.ErrWrongPIN) {
		t.Fatalf("wrong PIN: %v", err)
	}
	if got, _ := b.store.DocumentGetByID(ctx, doc.ID); got.State != engine.StateApproved {
		t.Fatalf("state %s after a wrong PIN", got.State)
	}
	if _, err := b.kr.SignAsLeader(ctx, b.leader, doc.ID, "246810", ""); err != nil {
		t.Fatal(err)
	}
	sigs := b.verifyLatest(t, doc.ID)
	if len(sigs) != 1 || sigs[0].Indication != verify.TotalPassed || sigs[0].Signer != "Đinh Quang Khánh" {
		t.Fatalf("signatures: %+v", sigs)
	}
}
