/**
 * Quarry's own default prompt, used when neither the request nor the generation preset brings a
 * template. A JSON array of messages like Vectara's templates, so it exercises the same path:
 *   system: answer only from the numbered results, cite them as [N], in the requested language
 *           (and length, when one was asked for);
 *   the earlier turns of the chat, if any;
 *   user:   the numbered results, then the question (or, with no question, a request to
 *           summarise them, as the document summary endpoint needs).
 * Every value goes through $esc.java, so the rendered text is valid JSON whatever the results
 * contain. Directives sit inside the JSON strings on one line because a raw line break inside a
 * JSON string would make it invalid; `\n` escapes carry the line breaks instead.
 */
const SYSTEM =
  'You are a careful assistant. Answer using only the numbered search results in the next message; ' +
  'if they do not contain the answer, say so instead of guessing. ' +
  'Cite the results you use by their number in square brackets, such as [1] or [2][3], right after the statement they support. ' +
  'Write the answer in $esc.java($vectaraLangName).' +
  '#if($vectaraOutChars) Keep it to about $vectaraOutChars characters.#end';

const USER =
  'Search results:\\n\\n' +
  '#foreach($qResult in $vectaraQueryResults)[$foreach.count] $esc.java($qResult.getText())\\n\\n#end' +
  '#if($vectaraQuery.trim().isEmpty())Summarize what these results say.#{else}Question: $esc.java($vectaraQuery)#end';

export const DEFAULT_PROMPT_TEMPLATE = [
  '[',
  `  {"role": "system", "content": "${SYSTEM}"},`,
  '#foreach($turn in $vectaraChatHistory)',
  '  {"role": "$esc.java($turn.role)", "content": "$esc.java($turn.content)"},',
  '#end',
  `  {"role": "user", "content": "${USER}"}`,
  ']',
  '',
].join('\n');
