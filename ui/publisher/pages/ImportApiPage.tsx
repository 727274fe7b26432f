/**
 * Import an OpenAPI definition (POST /apis/import-openapi, multipart `file` and `additionalProperties`): the
 * operations come from its paths; name and version from its info unless given here.
 */
import { useState } from 'react';
import { useLocation } from 'wouter';
import type { Api } from '../../../src/publisher/apis/api-schemas';
import { useApi } from '../../shared/portal-context';
import { API_FIELDS } from '../components/api-validation';
import { DefinitionDropzone } from '../components/DefinitionDropzone';
import { apiFieldsOf, useNewApiForm, type NewApiValues } from '../components/NewApiFields';
import { NewApiForm } from '../components/NewApiForm';
import { notifySuccess } from '../components/notify';
import { placeServerError } from '../components/server-error';
import { PUBLISHER } from '../rest';

/** The import's additionalProperties are checked as `additionalProperties: name must …; context …`. */
const IMPORT_FIELDS = { ...API_FIELDS, file: 'file', inlineAPIDefinition: 'file' };

export function ImportApiPage() {
  const api = useApi();
  const [, navigate] = useLocation();
  const [file, setFile] = useState<File>();
  const [fileError, setFileError] = useState<string>();
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const form = useNewApiForm(true);

  const choose = (chosen: File) => {
    setFile(chosen);
    setFileError(undefined);
  };

  const submit = async (values: NewApiValues) => {
    if (!file) {
      setFileError('Choose the OpenAPI file to import.');
      return;
    }
    setSaving(true);
    setError(undefined);
    const body = new FormData();
    body.set('file', file, file.name);
    body.set('additionalProperties', JSON.stringify(apiFieldsOf(values)));
    try {
      const created = await api<Api>('POST', `${PUBLISHER}/apis/import-openapi`, { form: body });
      notifySuccess(
        `${created.name} ${created.version} was imported with ${created.operations?.length ?? 0} operations.`,
      );
      navigate(`/apis/${created.id}`);
    } catch (err) {
      const message = placeServerError(
        err,
        (field, text) => {
          if (field === 'file') setFileError(text);
          else form.setFieldError(field, text);
        },
        IMPORT_FIELDS,
      );
      setError(message?.replace(/^additionalProperties: /, ''));
    } finally {
      setSaving(false);
    }
  };

  return (
    <NewApiForm
      title="Import an OpenAPI definition"
      submitLabel="Import API"
      form={form}
      fromFile
      onSubmit={form.onSubmit(submit, () => !file && setFileError('Choose the OpenAPI file to import.'))}
      saving={saving}
      error={error}
      errorTitle="Not imported"
    >
      <DefinitionDropzone file={file} onFile={choose} onRejected={setFileError} error={fileError} />
    </NewApiForm>
  );
}
