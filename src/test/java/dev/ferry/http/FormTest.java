package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's url.ParseQuery / QueryUnescape semantics. */
class FormTest {

  @Test
  void firstValueWinsAndEmptyKeysAreSkipped() throws Exception {
    Form form = Form.parse("a=1&&a=2&b&=x&c=");
    assertThat(form.get("a")).isEqualTo("1");
    assertThat(form.all("a")).containsExactly("1", "2");
    assertThat(form.has("b")).isTrue();
    assertThat(form.get("b")).isEmpty();
    assertThat(form.first("c")).hasValue("");
    assertThat(form.first("missing")).isEmpty();
    assertThat(form.get("missing")).isEmpty();
    // Go skips only empty pairs; "=x" is the empty key with value "x".
    assertThat(form.get("")).isEqualTo("x");
  }

  @ParameterizedTest
  @CsvSource({
    "a+b, a b",
    "a%20b, a b",
    "%41%42, AB",
    "%e2%82%ac, €",
    "caf%C3%A9, café",
    "%ff, \uFFFD",
    "plain, plain",
  })
  void unescape(String in, String out) throws Exception {
    assertThat(Form.queryUnescape(in)).isEqualTo(out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"%", "%4", "%zz", "a%g1", "%%41"})
  void badEscapesAreErrors(String in) {
    assertThatThrownBy(() -> Form.queryUnescape(in)).isInstanceOf(FormException.class);
    assertThatThrownBy(() -> Form.parse("x=" + in)).isInstanceOf(FormException.class);
    assertThatThrownBy(() -> Form.parse(in + "=x")).isInstanceOf(FormException.class);
  }

  @Test
  void semicolonsAreErrorsAsSinceGo117() {
    assertThatThrownBy(() -> Form.parse("a=1;b=2")).isInstanceOf(FormException.class);
  }

  @Test
  void emptyInputIsAnEmptyForm() throws Exception {
    assertThat(Form.parse("").isEmpty()).isTrue();
  }
}
