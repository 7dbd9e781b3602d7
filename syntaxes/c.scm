; C: what Cellscope labels. @if covers an if-statement, condition and body; @block a braced block
; (its nesting gives the depth label).
(if_statement) @if
(comment) @comment
[(string_literal) (char_literal) (system_lib_string)] @string
(compound_statement) @block
