package appearance

import "github.com/vanthu/vanthu/signer/font"

// boldTTF is the full bold font file, for tests that check the embedded subset is much smaller.
var boldTTF = mustBold().Data()

func mustBold() *font.Face {
	f, err := font.Bold()
	if err != nil {
		panic(err)
	}
	return f
}
