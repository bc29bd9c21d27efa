package url

import "strings"

// uts46Update maps the code points whose UTS #46 processing changed between
// the Unicode 15.0 tables that golang.org/x/net/idna uses with Go 1.26 and
// the Unicode 17.0 IDNA Mapping Table the URL Standard follows (status now
// "mapped" or "ignored", e.g. U+1E9E ẞ maps to ß and U+180E is ignored).
// The values are the Unicode 17.0 mappings; each was checked to give the
// same ToASCII result through the 15.0 tables. It is applied before ToASCII.
var uts46Update = map[rune]string{
	0x04C0:  "ӏ",
	0x10A0:  "ⴀ",
	0x10A1:  "ⴁ",
	0x10A2:  "ⴂ",
	0x10A3:  "ⴃ",
	0x10A4:  "ⴄ",
	0x10A5:  "ⴅ",
	0x10A6:  "ⴆ",
	0x10A7:  "ⴇ",
	0x10A8:  "ⴈ",
	0x10A9:  "ⴉ",
	0x10AA:  "ⴊ",
	0x10AB:  "ⴋ",
	0x10AC:  "ⴌ",
	0x10AD:  "ⴍ",
	0x10AE:  "ⴎ",
	0x10AF:  "ⴏ",
	0x10B0:  "ⴐ",
	0x10B1:  "ⴑ",
	0x10B2:  "ⴒ",
	0x10B3:  "ⴓ",
	0x10B4:  "ⴔ",
	0x10B5:  "ⴕ",
	0x10B6:  "ⴖ",
	0x10B7:  "ⴗ",
	0x10B8:  "ⴘ",
	0x10B9:  "ⴙ",
	0x10BA:  "ⴚ",
	0x10BB:  "ⴛ",
	0x10BC:  "ⴜ",
	0x10BD:  "ⴝ",
	0x10BE:  "ⴞ",
	0x10BF:  "ⴟ",
	0x10C0:  "ⴠ",
	0x10C1:  "ⴡ",
	0x10C2:  "ⴢ",
	0x10C3:  "ⴣ",
	0x10C4:  "ⴤ",
	0x10C5:  "ⴥ",
	0x115F:  "",
	0x1160:  "",
	0x17B4:  "",
	0x17B5:  "",
	0x180E:  "",
	0x1E9E:  "ß",
	0x2061:  "",
	0x2062:  "",
	0x2063:  "",
	0x206A:  "",
	0x206B:  "",
	0x206C:  "",
	0x206D:  "",
	0x206E:  "",
	0x206F:  "",
	0x2132:  "ⅎ",
	0x2183:  "ↄ",
	0x3164:  "",
	0xA7CB:  "ɤ",
	0xA7D2:  "ꟓ",
	0xA7D4:  "ꟕ",
	0xA7DC:  "ƛ",
	0xA7F1:  "s",
	0xFFA0:  "",
	0x1CCD6: "a",
	0x1CCD7: "b",
	0x1CCD8: "c",
	0x1CCD9: "d",
	0x1CCDA: "e",
	0x1CCDB: "f",
	0x1CCDC: "g",
	0x1CCDD: "h",
	0x1CCDE: "i",
	0x1CCDF: "j",
	0x1CCE0: "k",
	0x1CCE1: "l",
	0x1CCE2: "m",
	0x1CCE3: "n",
	0x1CCE4: "o",
	0x1CCE5: "p",
	0x1CCE6: "q",
	0x1CCE7: "r",
	0x1CCE8: "s",
	0x1CCE9: "t",
	0x1CCEA: "u",
	0x1CCEB: "v",
	0x1CCEC: "w",
	0x1CCED: "x",
	0x1CCEE: "y",
	0x1CCEF: "z",
	0x1CCF0: "0",
	0x1CCF1: "1",
	0x1CCF2: "2",
	0x1CCF3: "3",
	0x1CCF4: "4",
	0x1CCF5: "5",
	0x1CCF6: "6",
	0x1CCF7: "7",
	0x1CCF8: "8",
	0x1CCF9: "9",
	0x1D173: "",
	0x1D174: "",
	0x1D175: "",
	0x1D176: "",
	0x1D177: "",
	0x1D178: "",
	0x1D179: "",
	0x1D17A: "",
	0x2F868: "㛼",
	0x2F874: "当",
	0x2F91F: "𤎫",
	0x2F95F: "竮",
	0x2F9BF: "䗗",
}

// applyUTS46Update rewrites the code points of uts46Update in s.
func applyUTS46Update(s string) string {
	var b *strings.Builder
	for i, r := range s {
		m, ok := uts46Update[r]
		if !ok {
			if b != nil {
				b.WriteRune(r)
			}
			continue
		}
		if b == nil {
			b = &strings.Builder{}
			b.Grow(len(s))
			b.WriteString(s[:i])
		}
		b.WriteString(m)
	}
	if b == nil {
		return s
	}
	return b.String()
}
