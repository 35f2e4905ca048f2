import { expect } from 'chai';
import { graphqlData, testEnv } from './harness';

describe('the running server', () => {
  it('answers GET /health with 200 while the database answers', async () => {
    const response = await fetch(`${testEnv().baseUrl}/health`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ status: 'ok', database: 'up' });
  });

  it("lists Hà Nội's 30 districts and 579 wards with their Vietnamese names", async () => {
    const data = await graphqlData<any>(
      `{ city(code: "01") { name districts { code name wards { code name } } } }`,
    );
    expect(data.city.name).to.equal('Thành phố Hà Nội');
    expect(data.city.districts).to.have.length(30);
    const wards = data.city.districts.flatMap((d: any) => d.wards);
    expect(wards).to.have.length(579);
    expect(data.city.districts[0]).to.include({ code: '001', name: 'Quận Ba Đình' });
    expect(wards[0]).to.deep.equal({ code: '00001', name: 'Phường Phúc Xá' });
  });
});
