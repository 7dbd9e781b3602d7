; Rust: what Cellscope labels (see c.scm); `if` is an expression here.
(if_expression) @if
[(line_comment) (block_comment)] @comment
[(string_literal) (raw_string_literal) (char_literal)] @string
[(block) (field_declaration_list) (declaration_list)] @block
