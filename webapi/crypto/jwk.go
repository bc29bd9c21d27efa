package crypto

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/dop251/goja"
)

// jwkData is a JsonWebKey dictionary (RFC 7517). Fields are in the
// lexicographic order WebIDL uses when converting it to an object, which is
// also the order of the JSON produced for wrapKey.
type jwkData struct {
	Alg    string          `json:"alg,omitempty"`
	Crv    string          `json:"crv,omitempty"`
	D      string          `json:"d,omitempty"`
	DP     string          `json:"dp,omitempty"`
	DQ     string          `json:"dq,omitempty"`
	E      string          `json:"e,omitempty"`
	Ext    *bool           `json:"ext,omitempty"`
	K      string          `json:"k,omitempty"`
	KeyOps []string        `json:"key_ops"`
	Kty    string          `json:"kty,omitempty"`
	N      string          `json:"n,omitempty"`
	Oth    json.RawMessage `json:"oth,omitempty"`
	P      string          `json:"p,omitempty"`
	Q      string          `json:"q,omitempty"`
	QI     string          `json:"qi,omitempty"`
	Use    string          `json:"use,omitempty"`
	X      string          `json:"x,omitempty"`
	Y      string          `json:"y,omitempty"`

	hasKeyOps bool
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// bytes decodes a base64url member.
func (j *jwkData) bytes(name, v string, required bool) []byte {
	if v == "" {
		if required {
			throw("DataError", "The JWK is missing the required '%s' member.", name)
		}
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "="))
	if err != nil {
		throw("DataError", "The JWK '%s' member is not valid base64url: %v", name, err)
	}
	return b
}

// checkUse applies the 'use' rule: with usages, use must be want.
func (j *jwkData) checkUse(want string, u usage) {
	if u != 0 && j.Use != "" && j.Use != want {
		throw("DataError", "The JWK 'use' member is %q but this key needs %q.", j.Use, want)
	}
}

// checkCommon applies the key_ops and ext rules.
func (j *jwkData) checkCommon(k *Key, extractable bool, u usage) {
	if j.hasKeyOps {
		var ops usage
		for _, op := range j.KeyOps {
			b, ok := parseUsage(op)
			if !ok {
				continue // other key_ops values are allowed by RFC 7517
			}
			if ops&b != 0 {
				throw("DataError", "The JWK 'key_ops' member lists %q twice.", op)
			}
			ops |= b
		}
		if missing := u &^ ops; missing != 0 {
			throw("DataError", "The JWK 'key_ops' member does not allow the requested usages [%s].", joinNames(missing))
		}
	}
	if j.Ext != nil && !*j.Ext && extractable {
		throw("DataError", "The JWK has ext: false, so the key cannot be imported as extractable.")
	}
}

// finish sets the members every exported JWK has.
func (j *jwkData) finish(k *Key) *jwkData {
	j.KeyOps = k.usages.names()
	ext := k.extractable
	j.Ext = &ext
	return j
}

// js converts an exported JWK to an object (members in lexicographic order).
func (j *jwkData) js(s *state) goja.Value {
	o := s.vm.NewObject()
	str := func(name, v string) {
		if v != "" {
			_ = o.Set(name, v)
		}
	}
	str("alg", j.Alg)
	str("crv", j.Crv)
	str("d", j.D)
	str("dp", j.DP)
	str("dq", j.DQ)
	str("e", j.E)
	if j.Ext != nil {
		_ = o.Set("ext", *j.Ext)
	}
	str("k", j.K)
	ops := make([]any, len(j.KeyOps))
	for i, op := range j.KeyOps {
		ops[i] = op
	}
	_ = o.Set("key_ops", s.vm.NewArray(ops...))
	str("kty", j.Kty)
	str("n", j.N)
	str("p", j.P)
	str("q", j.Q)
	str("qi", j.QI)
	str("use", j.Use)
	str("x", j.X)
	str("y", j.Y)
	return o
}

// jwkFromJS converts a JsonWebKey dictionary argument.
func (s *state) jwkFromJS(o *goja.Object) *jwkData {
	j := &jwkData{}
	str := func(name string, dst *string) {
		v := o.Get(name)
		if v != nil && !goja.IsUndefined(v) {
			*dst = s.domString(v, "JsonWebKey."+name)
		}
	}
	str("alg", &j.Alg)
	str("crv", &j.Crv)
	str("d", &j.D)
	str("dp", &j.DP)
	str("dq", &j.DQ)
	str("e", &j.E)
	if v := o.Get("ext"); v != nil && !goja.IsUndefined(v) {
		b := v.ToBoolean()
		j.Ext = &b
	}
	str("k", &j.K)
	if v := o.Get("key_ops"); v != nil && !goja.IsUndefined(v) {
		if _, ok := v.(*goja.Object); !ok {
			throw("TypeError", "JsonWebKey.key_ops must be a sequence of strings.")
		}
		j.hasKeyOps = true
		j.KeyOps = []string{}
		s.vm.ForOf(v, func(x goja.Value) bool {
			j.KeyOps = append(j.KeyOps, s.domString(x, "JsonWebKey.key_ops"))
			return true
		})
	}
	str("kty", &j.Kty)
	str("n", &j.N)
	if v := o.Get("oth"); v != nil && !goja.IsUndefined(v) {
		j.Oth = json.RawMessage("[]")
	}
	str("p", &j.P)
	str("q", &j.Q)
	str("qi", &j.QI)
	str("use", &j.Use)
	str("x", &j.X)
	str("y", &j.Y)
	return j
}

// parseJWKJSON parses the JSON text of an unwrapped JWK.
func parseJWKJSON(b []byte) (*jwkData, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	j := &jwkData{}
	if err := json.Unmarshal(b, j); err != nil {
		return nil, err
	}
	_, j.hasKeyOps = raw["key_ops"]
	return j, nil
}
