package archive

import "testing"

// FuzzParseVersion: a manifest read back from the store never yields a version line that
// contradicts itself, whatever its bytes.
func FuzzParseVersion(f *testing.F) {
	f.Add([]byte(`{"record":"H23.2026.01.VP","objects":[]}`))
	f.Add([]byte(`{"version":2,"previous":"archive/a/manifest/ab/x","versions":["archive/a/manifest/ab/x"]}`))
	f.Add([]byte(`{"version":3,"previous":"b","versions":["a"]}`))
	f.Add([]byte(`{"versions":["../../etc"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseVersion(data)
		if err != nil {
			return
		}
		if v.Version < 1 || len(v.Versions) != v.Version-1 || (v.Version > 1 && v.Previous != v.Versions[len(v.Versions)-1]) {
			t.Fatalf("inconsistent version accepted: %+v", v)
		}
	})
}
