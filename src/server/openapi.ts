/**
 * Final touches on the generated OpenAPI document. HttpApi documents its own decode error
 * (`HttpApiDecodeError`) on every route, but the server answers decode failures with our
 * `{ error }` body (middleware.ts), so that schema is replaced by `BadRequest` (and dropped
 * from routes that take no input). The two routes HttpApi serves beside the API (this document
 * and its browsable reference) are listed too, so the document names every route.
 */

type Json = Record<string, any>

const DECODE_REF = '#/components/schemas/HttpApiDecodeError'
const BAD_REQUEST = { $ref: '#/components/schemas/BadRequest' }

const fixResponses = (operation: Json): void => {
  const bad = operation.responses?.['400']
  const schema = bad?.content?.['application/json']?.schema
  if (schema === undefined) return
  const takesInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined
  if (!takesInput) {
    delete operation.responses['400']
    return
  }
  bad.description = 'ValidationError (with `field`), malformed JSON, or a bad query parameter'
  bad.content['application/json'].schema = BAD_REQUEST
  if (schema.$ref !== DECODE_REF && !schema.anyOf?.some((s: Json) => s.$ref === DECODE_REF)) bad.content['application/json'].schema = schema
}

const docsRoute = (summary: string, contentType: string): Json => ({
  get: {
    tags: ['docs'],
    operationId: `docs.${contentType === 'text/html' ? 'reference' : 'openapi'}`,
    summary,
    responses: { '200': { description: summary, content: { [contentType]: { schema: { type: contentType === 'text/html' ? 'string' : 'object' } } } } },
  },
})

export const finishSpec = (spec: Json): Json => {
  for (const item of Object.values(spec.paths ?? {}) as Json[]) for (const operation of Object.values(item)) fixResponses(operation as Json)
  for (const name of ['HttpApiDecodeError', 'Issue', 'PropertyKey']) delete spec.components?.schemas?.[name]
  spec.paths['/api/openapi.json'] = docsRoute('This OpenAPI document', 'application/json')
  spec.paths['/api/docs'] = docsRoute('A browsable API reference (Scalar, served from the host: no CDN)', 'text/html')
  return spec
}
