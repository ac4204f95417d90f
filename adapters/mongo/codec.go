package mongo

import (
	"fmt"
	"reflect"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsoncodec"
	"go.mongodb.org/mongo-driver/bson/bsonrw"

	"github.com/silkgate/silkgate/domain/code"
)

// registry is how documents are encoded: struct fields take their names from bson tags, else
// from json tags (domain value types carry camelCase json tags, the names the API and the CEB
// messages use), and code.Decimal is stored as its exact decimal string, never a float.
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
	return reg
}
