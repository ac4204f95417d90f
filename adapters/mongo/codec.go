package mongo

import (
	"encoding"
	"fmt"
	"reflect"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsoncodec"
	"go.mongodb.org/mongo-driver/bson/bsonrw"

	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
)

// registry is how documents are encoded: struct fields take their names from bson tags, else
// from json tags, and code.Decimal is stored as its exact decimal string, never a float. The
// adapter's own document types (docs.go and the *Doc types) name every field with bson tags;
// the customs and parcel value types embedded in declarations and parcels are still stored
// under their camelCase json tags, the names the API and the CEB messages use.
var registry = newRegistry()

func newRegistry() *bsoncodec.Registry {
	reg := bson.NewRegistry()
	sc, err := bsoncodec.NewStructCodec(bsoncodec.JSONFallbackStructTagParser)
	if err != nil {
		panic(err) // fixed arguments: cannot fail
	}
	reg.RegisterKindEncoder(reflect.Struct, sc)
	reg.RegisterKindDecoder(reflect.Struct, sc)
	decimalType := reflect.TypeOf(code.Decimal{})
	reg.RegisterTypeEncoder(decimalType, bsoncodec.ValueEncoderFunc(
		func(_ bsoncodec.EncodeContext, vw bsonrw.ValueWriter, v reflect.Value) error {
			return vw.WriteString(v.Interface().(code.Decimal).String())
		}))
	reg.RegisterTypeDecoder(decimalType, bsoncodec.ValueDecoderFunc(
		func(_ bsoncodec.DecodeContext, vr bsonrw.ValueReader, v reflect.Value) error {
			s, err := vr.ReadString()
			if err != nil {
				return err
			}
			d, err := code.ParseDecimal(s)
			if err != nil {
				return fmt.Errorf("stored decimal %q: %w", s, err)
			}
			v.Set(reflect.ValueOf(d))
			return nil
		}))
	registerText(reg, reflect.TypeOf(customs.Month{}))
	return reg
}

// registerText stores a value type with unexported fields as its text form.
func registerText(reg *bsoncodec.Registry, t reflect.Type) {
	reg.RegisterTypeEncoder(t, bsoncodec.ValueEncoderFunc(
		func(_ bsoncodec.EncodeContext, vw bsonrw.ValueWriter, v reflect.Value) error {
			b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
			if err != nil {
				return err
			}
			return vw.WriteString(string(b))
		}))
	reg.RegisterTypeDecoder(t, bsoncodec.ValueDecoderFunc(
		func(_ bsoncodec.DecodeContext, vr bsonrw.ValueReader, v reflect.Value) error {
			s, err := vr.ReadString()
			if err != nil {
				return err
			}
			return v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
		}))
}
